package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"haven/web/webtest"
)

// TestMeasuresAndRecordsInTheBrowser drives the patient's questionnaire,
// progress, mood, safety plan and notes pages at phone width, and the
// clinician's chart of the patient at desktop width, in headless Chromium,
// auditing accessibility and the CSP on every page.
func TestMeasuresAndRecordsInTheBrowser(t *testing.T) {
	t.Parallel()
	b := webtest.StartBrowser(t)
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid
	var first, second assignmentJSON
	ch.c.ic.do("POST", p+"/measures/assignments", assignRequest{Instrument: "phq9", Zone: "UTC"}).want(t, 201).decode(t, &first)
	ch.c.ic.do("POST", p+"/measures/assignments", assignRequest{Instrument: "phq9", Zone: "UTC", Due: time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}).want(t, 201).decode(t, &second)
	ch.c.ic.do("POST", p+"/notes", noteRequest{Kind: "visit_summary", Title: "Our first visit", Body: "We made a plan for sleep."}).want(t, 201)
	ch.c.ic.do("POST", p+"/notes", noteRequest{Kind: "progress", Title: "Held back for now", Body: "x", Withhold: "preventing_harm"}).want(t, 201)
	ch.c.ic.do("POST", p+"/notes", noteRequest{Kind: "psychotherapy", Title: "Session process", Body: "y"}).want(t, 201)

	t.Run("patient", func(t *testing.T) {
		ctx := chartTab(t, b, ch.harness, ch.c.pc, 360, 740)
		waitHeading(t, ctx, "Hello, Pat Lee")
		patientAnswersPHQ9(t, ctx, ch)
		patientSeesTheScore(t, ctx)
		patientChecksIn(t, ctx)
		patientEditsTheSafetyPlan(t, ctx, ch)
		patientReadsNotes(t, ctx)
		patientInCrisisIsSentToHelp(t, ctx, ch, second.ID)
		noCSPViolations(t, ctx)
	})
	t.Run("clinician", func(t *testing.T) {
		ctx := chartTab(t, b, ch.harness, ch.c.ic, 1280, 900)
		waitHeading(t, ctx, "Hello, Dr Inside")
		clinicianUsesTheChart(t, ctx, ch)
		noCSPViolations(t, ctx)
	})
}

// chartTab opens a tab signed in as c at the given size, on /home.
func chartTab(t *testing.T, b *webtest.Browser, h *harness, c *client, w, ht int64) context.Context {
	t.Helper()
	ctx := b.Tab(t, 4*time.Minute)
	base, _ := url.Parse(h.ts.URL)
	for _, ck := range c.http.Jar.Cookies(base) {
		if ck.Name == SessionCookie {
			if err := webtest.SetCookie(ctx, h.ts.URL, SessionCookie, ck.Value); err != nil {
				t.Fatal(err)
			}
		}
	}
	do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.EmulateViewport(w, ht),
		chromedp.Navigate(h.ts.URL+"/home"))
	return ctx
}

// patientAnswersPHQ9 opens the due questionnaire from the home page, is
// stopped from sending it half done, answers the first questions with the
// keyboard alone and the rest by pointer, and sees the score.
func patientAnswersPHQ9(t *testing.T, ctx context.Context, ch *chartHarness) {
	do(t, ctx, chromedp.Click(chromedp.ID("questionnaires-link")))
	waitHeading(t, ctx, "Questionnaires")
	waitJS(t, ctx, `document.querySelectorAll('#due-list li').length === 2`)
	auditPage(t, ctx, "questionnaires")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#due-list li:first-child a`)))
	waitHeading(t, ctx, "Patient Health Questionnaire (PHQ-9)")
	waitJS(t, ctx, `document.querySelectorAll('fieldset.question').length === 10 && document.querySelector('fieldset[data-key="difficulty"]').hidden`)
	if got := webtest.Eval[string](t, ctx, `document.querySelector('fieldset[data-key="q9"] legend').textContent`); !strings.Contains(got, "Thoughts that you would be better off dead or of hurting yourself in some way") {
		t.Fatalf("item 9 reads %q", got)
	}
	auditPage(t, ctx, "PHQ-9 form")
	keep(t, ctx, "phone-phq9.png")

	// Submitting blank sends nothing and moves focus to question 1.
	do(t, ctx, chromedp.Click(chromedp.CSS(`form.questionnaire button[type="submit"]`)))
	waitJS(t, ctx, `document.querySelector('form.questionnaire [role=alert]').textContent.includes('Please answer every question')`)
	waitJS(t, ctx, `document.activeElement.closest('fieldset') && document.activeElement.closest('fieldset').dataset.key === 'q1'`)
	auditPage(t, ctx, "PHQ-9 form with missing answers")

	// Keyboard only: Space chooses the focused answer, arrow keys move
	// within a question, Tab goes to the next question.
	key(t, ctx, " ")
	key(t, ctx, kb.ArrowDown) // q1: "Several days" (1)
	for _, q := range []string{"q2", "q3", "q4"} {
		key(t, ctx, kb.Tab)
		waitJS(t, ctx, `document.activeElement.closest('fieldset').dataset.key === '`+q+`'`)
		key(t, ctx, " ") // "Not at all" (0)
	}
	waitJS(t, ctx, `document.querySelector('fieldset[data-key="q1"] input:checked').value === '1' && !document.querySelector('fieldset[data-key="difficulty"]').hidden`)
	for _, q := range []string{"q5", "q6", "q7", "q8", "q9"} {
		v := "0"
		if q == "q7" {
			v = "2"
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="`+q+`"] input[value="`+v+`"]`)))
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="difficulty"] input[value="1"]`)))
	do(t, ctx, chromedp.Click(chromedp.CSS(`form.questionnaire button[type="submit"]`)))
	waitJS(t, ctx, `document.getElementById('score-result') && document.getElementById('score-result').textContent === 'Your score: 3 of 27 (Minimal).'`)
	auditPage(t, ctx, "questionnaire result")
	if n := len(ch.esc.raised()); n != 0 {
		t.Fatalf("%d escalations for item 9 at 0", n)
	}
}

// patientSeesTheScore finds the score on the progress chart and its table.
func patientSeesTheScore(t *testing.T, ctx context.Context) {
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/progress"].button`)))
	waitHeading(t, ctx, "My progress")
	waitJS(t, ctx, `document.querySelectorAll('[aria-labelledby="scores-phq9-h"] svg circle.chart__point').length === 1`)
	waitJS(t, ctx, `document.querySelector('[aria-labelledby="scores-phq9-h"] svg circle.chart__point').dataset.value === '3'`)
	waitJS(t, ctx, `document.querySelector('p.latest[data-instrument="phq9"]').textContent.includes('3 of 27')`)
	waitJS(t, ctx, `[...document.querySelectorAll('[aria-labelledby="scores-phq9-h"] table td')].some((td) => td.textContent === '3 of 27')`)
	waitJS(t, ctx, `document.querySelector('[aria-labelledby="scores-phq9-h"] svg').getAttribute('role') === 'img'`)
	auditPage(t, ctx, "progress")
	keep(t, ctx, "phone-progress.png")
}

// patientChecksIn records today's mood with a note and sees it charted.
func patientChecksIn(t *testing.T, ctx context.Context) {
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/mood"]`)))
	waitHeading(t, ctx, "Mood check-in")
	auditPage(t, ctx, "mood")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#mood-form button[type="submit"]`)))
	waitJS(t, ctx, `document.querySelector('#mood-form [role=alert]').textContent.includes('Choose a number')`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#mood-form input[value="7"]`)),
		chromedp.SendKeys(chromedp.CSS(`#mood-form textarea`), "Walked by the river."),
		chromedp.Click(chromedp.CSS(`#mood-form button[type="submit"]`)))
	waitJS(t, ctx, `document.querySelector('#mood-form [role=status]').textContent.startsWith('Saved: 7 of 10')`)
	waitJS(t, ctx, `document.querySelectorAll('[aria-labelledby="mood-trend-h"] circle.chart__point').length === 1`)
	waitJS(t, ctx, `document.body.textContent.includes('Walked by the river.')`)
	auditPage(t, ctx, "mood after check-in")
	keep(t, ctx, "phone-mood.png")
}

// patientEditsTheSafetyPlan adds a warning sign and saves, sees the
// version history, and after a clinician's save meanwhile, keeps what they
// typed through the conflict.
func patientEditsTheSafetyPlan(t *testing.T, ctx context.Context, ch *chartHarness) {
	do(t, ctx, chromedp.Navigate(ch.ts.URL+"/home"))
	waitHeading(t, ctx, "Hello, Pat Lee")
	do(t, ctx, chromedp.Click(chromedp.ID("safety-plan-link")))
	waitHeading(t, ctx, "My safety plan")
	waitJS(t, ctx, `document.querySelectorAll('#safety-plan-form fieldset.plan-section').length === 7`)
	auditPage(t, ctx, "safety plan")
	keep(t, ctx, "phone-safety-plan.png")

	addSign := `[...document.querySelectorAll('#safety-plan-form button')].find((b) => b.textContent === 'Add a warning sign')`
	do(t, ctx, chromedp.Click(chromedp.JSPath(addSign)))
	waitJS(t, ctx, `document.activeElement.getAttribute('aria-label') === 'Warning sign 2'`)
	key(t, ctx, "Pacing at night")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#safety-plan-form > .actions button[type="submit"]`)))
	waitJS(t, ctx, `document.querySelector('#safety-plan-form [role=status]').textContent === 'Saved as version 1.'`)
	waitJS(t, ctx, `document.querySelectorAll('#sp-versions li').length === 1 && document.querySelector('#sp-versions li').textContent.includes('Version 1') && document.querySelector('#sp-versions li').textContent.includes('by you')`)

	// A clinician saves meanwhile; the patient's next save is refused, what
	// they typed stays, and they choose to save theirs.
	var current safetyPlanJSON
	ch.c.ic.do("GET", "/api/patients/"+ch.pid+"/safety-plan", nil).want(t, 200).decode(t, &current)
	ch.c.ic.do("PUT", "/api/patients/"+ch.pid+"/safety-plan", map[string]any{"base_version": current.Version,
		"plan": map[string]any{"warning_signs": current.Plan.WarningSigns, "coping_strategies": []string{"Call my sister"}}}).want(t, 200)
	do(t, ctx, chromedp.Click(chromedp.JSPath(addSign)))
	key(t, ctx, "Skipping meals")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#safety-plan-form > .actions button[type="submit"]`)))
	waitJS(t, ctx, `document.querySelector('#safety-plan-form [role=alert]').textContent.includes('changed by someone else')`)
	waitJS(t, ctx, `!document.querySelector('.conflict').hidden && document.querySelector('.conflict').textContent.includes('Call my sister')`)
	waitJS(t, ctx, `[...document.querySelectorAll('#safety-plan-form input[name="warning_signs"]')].some((i) => i.value === 'Skipping meals')`)
	auditPage(t, ctx, "safety plan conflict")
	keep(t, ctx, "phone-safety-plan-conflict.png")
	do(t, ctx, chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('.conflict button')].find((b) => b.textContent === 'Save my version anyway')`)))
	waitJS(t, ctx, `document.querySelector('#safety-plan-form [role=status]').textContent === 'Saved as version 3.'`)
	waitJS(t, ctx, `document.querySelectorAll('#sp-versions li').length === 3`)

	// Open an earlier version.
	do(t, ctx, chromedp.Click(chromedp.CSS(`button[aria-label="View version 1"]`)))
	waitJS(t, ctx, `document.querySelector('.version-view h3') && document.querySelector('.version-view h3').textContent === 'Version 1' && document.querySelector('.version-view').textContent.includes('Pacing at night') && !document.querySelector('.version-view').textContent.includes('Skipping meals')`)
	auditPage(t, ctx, "safety plan history")
	var saved safetyPlanJSON
	ch.c.ic.do("GET", "/api/patients/"+ch.pid+"/safety-plan", nil).want(t, 200).decode(t, &saved)
	if saved.Version != 3 || strings.Join(saved.Plan.WarningSigns, "|") != "Pacing at night|Skipping meals" {
		t.Fatalf("saved plan %+v", saved)
	}
}

// patientReadsNotes sees the shared note and neither hidden one.
func patientReadsNotes(t *testing.T, ctx context.Context) {
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/home"]`)))
	waitHeading(t, ctx, "Hello, Pat Lee")
	do(t, ctx, chromedp.Click(chromedp.ID("notes-link")))
	waitHeading(t, ctx, "Notes from my care team")
	waitJS(t, ctx, `document.querySelectorAll('#note-list li').length === 1 && document.querySelector('#note-list').textContent.includes('Our first visit')`)
	if webtest.Eval[bool](t, ctx, `document.body.textContent.includes('Held back') || document.body.textContent.includes('Session process')`) {
		t.Fatal("a withheld or psychotherapy note is on the patient's page")
	}
	auditPage(t, ctx, "notes")
	keep(t, ctx, "phone-notes.png")
}

// patientInCrisisIsSentToHelp answers item 9 above 0 and lands on the
// crisis page at once.
func patientInCrisisIsSentToHelp(t *testing.T, ctx context.Context, ch *chartHarness, assignment int64) {
	do(t, ctx, chromedp.Navigate(ch.ts.URL+"/questionnaires?assignment="+strconv.FormatInt(assignment, 10)))
	waitHeading(t, ctx, "Patient Health Questionnaire (PHQ-9)")
	for i := 1; i <= 9; i++ {
		v := "0"
		if i == 9 {
			v = "1"
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="q`+strconv.Itoa(i)+`"] input[value="`+v+`"]`)))
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="difficulty"] input[value="0"]`)),
		chromedp.Click(chromedp.CSS(`form.questionnaire button[type="submit"]`)))
	waitJS(t, ctx, `location.pathname === '/crisis'`)
	if calls := ch.esc.raised(); len(calls) != 1 || calls[0].severity != "medium" {
		t.Fatalf("escalations %+v, want one, medium", calls)
	}
}

// clinicianUsesTheChart opens the patient's chart from home, sees the
// scores, assigns a questionnaire, writes a withheld note, and sees the
// safety plan's history.
func clinicianUsesTheChart(t *testing.T, ctx context.Context, ch *chartHarness) {
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[aria-label="Chart of Pat Lee"]`)))
	waitHeading(t, ctx, "Pat Lee")
	waitJS(t, ctx, `document.querySelectorAll('[aria-labelledby="scores-phq9-h"] circle.chart__point').length === 2`)
	waitJS(t, ctx, `document.querySelectorAll('#sp-versions li').length === 3`)
	waitJS(t, ctx, `document.querySelectorAll('#staff-note-list > li').length === 3`)
	auditPage(t, ctx, "clinician chart")
	keep(t, ctx, "desktop-chart.png")

	do(t, ctx, chromedp.SetValue(chromedp.CSS(`#assign-form select[name="instrument"]`), "gad7"),
		chromedp.SetValue(chromedp.CSS(`#assign-form select[name="every_days"]`), "14"),
		chromedp.Click(chromedp.CSS(`#assign-form button[type="submit"]`)))
	waitJS(t, ctx, `[...document.querySelectorAll('#open-assignments li')].some((li) => li.textContent.includes('GAD-7') && li.textContent.includes('every 14 days'))`)

	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#note-form input[name="title"]`), "Check-in call"),
		chromedp.SendKeys(chromedp.CSS(`#note-form textarea[name="body"]`), "Discussed the plan."),
		chromedp.Click(chromedp.CSS(`#note-form input[value="withhold"]`)),
		chromedp.Click(chromedp.CSS(`#note-form button[type="submit"]`)))
	waitJS(t, ctx, `[...document.querySelectorAll('#staff-note-list > li')].some((li) => li.textContent.includes('Check-in call') && li.textContent.includes('Withheld: Preventing harm'))`)
	auditPage(t, ctx, "clinician chart after writing")
	var notes notesResponse
	ch.c.pc.do("GET", "/api/patients/"+ch.pid+"/notes", nil).want(t, 200).decode(t, &notes)
	if len(notes.Notes) != 1 {
		t.Fatalf("the patient sees %d notes, want 1", len(notes.Notes))
	}
}

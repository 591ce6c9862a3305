package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"haven/portal/account"
	"haven/web/webtest"
)

// TestVisitsAndMedsInTheBrowser runs the appointment and medication
// journeys in one headless Chromium, each in its own browser context.
func TestVisitsAndMedsInTheBrowser(t *testing.T) {
	t.Parallel()
	b := webtest.StartBrowser(t)
	t.Run("patient books a visit", func(t *testing.T) {
		t.Parallel()
		patientBooksAVisit(t, b)
	})
	t.Run("clinician approves a refill", func(t *testing.T) {
		t.Parallel()
		clinicianApprovesARefill(t, b)
	})
}

// careTab opens a tab carrying as's session, in a viewer time zone, with
// CSP violations recorded and the given viewport.
func careTab(t *testing.T, b *webtest.Browser, h *harness, as *client, zone string, w, ht int64) context.Context {
	t.Helper()
	ctx := b.Tab(t, 120*time.Second)
	if as != nil {
		base, _ := url.Parse(h.ts.URL)
		for _, ck := range as.http.Jar.Cookies(base) {
			if ck.Name == SessionCookie {
				if err := webtest.SetCookie(ctx, h.ts.URL, SessionCookie, ck.Value); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		t.Fatalf("time zone override: %v", err)
	}
	do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.EmulateViewport(w, ht))
	return ctx
}

// patientBooksAVisit: with availability published through the API, a
// patient on a phone in Berlin books a visit with their New York
// clinician, sees it listed in Berlin time, and the clinician sees it on
// their day. Every page is audited.
func patientBooksAVisit(t *testing.T, b *webtest.Browser) {
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	c.publish(t, cl.ic, cl.inside.ID)

	ctx := careTab(t, b, c.harness, cl.pc, "Europe/Berlin", 360, 740)
	do(t, ctx, chromedp.Navigate(c.ts.URL+"/home"))
	waitHeading(t, ctx, "Hello, Pat Lee")
	do(t, ctx, chromedp.Click(chromedp.ID("appointments-link")))
	waitHeading(t, ctx, "Appointments")
	waitJS(t, ctx, `document.getElementById('zone-note').textContent.includes('Europe/Berlin')`)
	waitJS(t, ctx, `document.querySelector('#upcoming-h ~ .empty') !== null`)
	// The only clinician and visit type are chosen; the open times show.
	waitJS(t, ctx, `document.querySelectorAll('#book-form .slot-choice input').length > 0`)
	auditPage(t, ctx, "appointments")
	keep(t, ctx, "phone-appointments.png")

	// Keyboard: focus the first open time, choose it, book.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`#book-form .slot-choice input`)))
	key(t, ctx, " ")
	waitJS(t, ctx, `!document.getElementById('book-submit').disabled && document.querySelector('.booking-summary').textContent.includes('Therapy session')`)
	chosen := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#book-form .slot-choice input:checked').value`))
	do(t, ctx, chromedp.Focus(chromedp.ID("book-submit")))
	key(t, ctx, "\r")
	waitJS(t, ctx, `document.querySelector('[role=status]').textContent.includes('Your visit is booked')`)
	waitJS(t, ctx, `[...document.querySelectorAll('#visit-list li')].some((li) => li.textContent.includes('Therapy session with Dr Inside'))`)

	// Listed at the booked instant, in the viewer's (Berlin) time.
	shown := run(t, ctx, chromedp.Evaluate[bool](`(() => {
		const el = document.querySelector('#visit-list li time');
		const f = new Intl.DateTimeFormat(undefined, { timeZone: 'Europe/Berlin', weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });
		return new Date(el.dateTime).getTime() === new Date(`+jsString(chosen)+`).getTime() && el.textContent === f.format(new Date(el.dateTime));
	})()`))
	if !shown {
		t.Fatal("the booked visit is not listed at its time in the viewer's zone")
	}
	var list struct {
		Appointments []appointmentJSON `json:"appointments"`
	}
	cl.pc.do("GET", "/api/patients/"+strconv.FormatInt(cl.patient.ID, 10)+"/appointments", nil).want(t, 200).decode(t, &list)
	if len(list.Appointments) != 1 || !sameInstant(list.Appointments[0].Start, chosen) {
		t.Fatalf("appointments %+v, want one at %s", list.Appointments, chosen)
	}
	auditPage(t, ctx, "appointments after booking")
	keep(t, ctx, "phone-appointments-booked.png")

	// The visit is less than a day away: moving or cancelling it online is
	// refused, and the page says what to do instead, as the scheduler says it.
	tooLate := jsString("Visits can be cancelled or moved online until 24 hours before they start. Please call the clinic at " +
		clinicPhone + " or send your care team a message.")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#visit-list button[aria-label^="Reschedule"]`)))
	waitJS(t, ctx, `document.activeElement && document.activeElement.name === 'day' && document.querySelectorAll('.reschedule .slot-choice input').length > 0`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`.reschedule .slot-choice input`)))
	do(t, ctx, chromedp.Click(chromedp.CSS(`.reschedule button[type=submit]`)))
	waitJS(t, ctx, `document.querySelector('.reschedule .form-error').textContent === `+tooLate)
	auditPage(t, ctx, "appointments, reschedule refused")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#visit-list button[aria-label^="Cancel"]`)))
	do(t, ctx, chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('#visit-list button')].find((b) => b.textContent === 'Yes, cancel it')`)))
	waitJS(t, ctx, `document.querySelector('#visit-list li .form-error').textContent === `+tooLate)
	keep(t, ctx, "phone-appointments-refused.png")
	noCSPViolations(t, ctx)

	// The clinician, at a desktop in New York, sees it on their day, and
	// their availability as published.
	start, _ := time.Parse(time.RFC3339, chosen)
	day := start.In(mustZone(t, clinicZone)).Format(time.DateOnly)
	doc := careTab(t, b, c.harness, cl.ic, clinicZone, 1280, 800)
	do(t, doc, chromedp.Navigate(c.ts.URL+"/home"))
	waitHeading(t, doc, "Hello, Dr Inside")
	do(t, doc, chromedp.Click(chromedp.ID("my-day-link")))
	waitHeading(t, doc, "My day")
	do(t, doc, chromedp.Navigate(c.ts.URL+"/my-day?date="+day))
	waitHeading(t, doc, "My day")
	waitJS(t, doc, `[...document.querySelectorAll('#day-list li')].some((li) => li.textContent.includes('Pat Lee') && li.textContent.includes('Therapy session'))`)
	auditPage(t, doc, "my day")
	keep(t, doc, "desktop-my-day.png")
	do(t, doc, chromedp.Navigate(c.ts.URL+"/availability"))
	waitHeading(t, doc, "Availability")
	waitJS(t, doc, `document.querySelectorAll('#weekly-hours > li').length === 7 && document.querySelectorAll('#visit-types > li').length === 1`)
	auditPage(t, doc, "availability")
	keep(t, doc, "desktop-availability.png")
	// A bad edit is refused with the scheduler's message; the rows stay.
	do(t, doc, chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('#hours-form button')].find((b) => b.textContent === 'Add weekly hours')`)))
	run(t, doc, chromedp.Evaluate[bool](`(() => {
		const row = document.querySelector('#weekly-hours > li:last-child');
		row.querySelector('input[name=start]').value = '15:00';
		row.querySelector('input[name=end]').value = '10:00';
		return true;
	})()`))
	do(t, doc, chromedp.Click(chromedp.CSS(`#hours-form button[type=submit]`)))
	waitJS(t, doc, `document.querySelector('#hours-form .form-error').textContent === 'The end must be after the start.' && document.querySelectorAll('#weekly-hours > li').length === 8`)
	noCSPViolations(t, doc)
}

// clinicianApprovesARefill: the patient asks for a refill in one tab; the
// prescriber signs in with TOTP in another, approves it with a note, and
// the patient sees the answer.
func clinicianApprovesARefill(t *testing.T, b *webtest.Browser) {
	c := newCareHarness(t)
	patient := c.createUser(account.RolePatient, "robin@example.org", "Robin Park")
	doc := c.createUser(account.RoleClinician, "rx@clinic.example", "Dr Prescriber")
	admin := c.createUser(account.RoleAdmin, "admin@clinic.example", "Team Admin")
	if err := c.acct.AddToCareTeam(t.Context(), account.Actor{UserID: admin.ID, Role: account.RoleAdmin}, patient.ID, doc.ID); err != nil {
		t.Fatal(err)
	}
	med := sertraline(c.vclock.Now())
	if _, err := c.meds.Add(t.Context(), account.Actor{UserID: doc.ID, Role: account.RoleClinician}, patient.ID, med.input()); err != nil {
		t.Fatal(err)
	}
	pc := c.client()
	pc.signIn("robin@example.org")

	// The patient asks for a refill and turns reminders on.
	pt := careTab(t, b, c.harness, pc, "America/Chicago", 360, 740)
	do(t, pt, chromedp.Navigate(c.ts.URL+"/home"))
	waitHeading(t, pt, "Hello, Robin Park")
	do(t, pt, chromedp.Click(chromedp.ID("medications-link")))
	waitHeading(t, pt, "Medications")
	waitJS(t, pt, `document.querySelector('#med-list li').textContent.includes('Sertraline · 50 mg')`)
	auditPage(t, pt, "medications")
	keep(t, pt, "phone-medications.png")
	do(t, pt, chromedp.Click(chromedp.CSS(`#med-list input[name=reminders]`)))
	waitJS(t, pt, `document.querySelector('[role=status]').textContent === 'Reminders for Sertraline are on.'`)
	do(t, pt, chromedp.Click(chromedp.CSS(`button[aria-label="Request a refill of Sertraline"]`)))
	waitJS(t, pt, `document.querySelector('#refill-history li[data-state=requested]') !== null`)
	var list struct {
		Medications []medicationJSON `json:"medications"`
	}
	pc.do("GET", "/api/patients/"+strconv.FormatInt(patient.ID, 10)+"/medications", nil).want(t, 200).decode(t, &list)
	if len(list.Medications) != 1 || !list.Medications[0].RemindersOn || list.Medications[0].Zone != "America/Chicago" {
		t.Fatalf("medications %+v, want reminders on in the browser's zone", list.Medications)
	}

	// The prescriber signs in with TOTP, as a clinician's first sign-in goes.
	ct := careTab(t, b, c.harness, nil, clinicZone, 1280, 800)
	do(t, ct, chromedp.Navigate(c.ts.URL+"/signin"))
	waitHeading(t, ct, "Sign in to Haven")
	do(t, ct,
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "rx@clinic.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
	waitHeading(t, ct, "Set up two-step sign-in")
	secret := run(t, ct, chromedp.Evaluate[string](`document.getElementById('mfa-secret').dataset.secret`))
	do(t, ct,
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), totpAt(t, secret, c.clock.Now())),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	waitHeading(t, ct, "Save your recovery codes")
	do(t, ct, chromedp.Click(chromedp.ID("codes-saved")))
	waitHeading(t, ct, "Hello, Dr Prescriber")
	auditPage(t, ct, "clinician home")
	do(t, ct, chromedp.Click(chromedp.ID("refills-link")))
	waitHeading(t, ct, "Refill requests")
	waitJS(t, ct, `[...document.querySelectorAll('#refill-queue li')].some((li) => li.textContent.includes('Robin Park: Sertraline'))`)
	auditPage(t, ct, "refill requests")
	keep(t, ct, "desktop-refills.png")
	do(t, ct,
		chromedp.SendKeys(chromedp.CSS(`#refill-queue textarea[name=note]`), "Ready at your pharmacy tomorrow"),
		chromedp.Click(chromedp.CSS(`button[aria-label="Approve the refill of Sertraline for Robin Park"]`)))
	waitJS(t, ct, `document.querySelector('[role=status]').textContent === 'Approved: Sertraline for Robin Park.' && document.getElementById('no-refills') !== null`)
	noCSPViolations(t, ct)

	// The patient's medication page, from the clinician's side.
	do(t, ct, chromedp.Navigate(c.ts.URL+"/home"))
	waitHeading(t, ct, "Hello, Dr Prescriber")
	do(t, ct, chromedp.Click(chromedp.CSS(`a[aria-label="Medications of Robin Park"]`)))
	waitHeading(t, ct, "Medications of Robin Park")
	waitJS(t, ct, `document.querySelector('#manage-list li') && document.querySelector('#refill-history li[data-state=approved]')`)
	auditPage(t, ct, "patient medications")
	keep(t, ct, "desktop-patient-medications.png")

	// The patient sees the answer.
	do(t, pt, chromedp.Reload())
	waitHeading(t, pt, "Medications")
	waitJS(t, pt, `(() => { const li = document.querySelector('#refill-history li[data-state=approved]');
		return li && li.textContent.toLowerCase().includes('approved') && li.textContent.includes('Ready at your pharmacy tomorrow'); })()`)
	auditPage(t, pt, "medications after the answer")
	keep(t, pt, "phone-medications-approved.png")
	noCSPViolations(t, pt)
}

// sameInstant reports whether two RFC 3339 times name the same instant.
func sameInstant(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	return errA == nil && errB == nil && ta.Equal(tb) && !strings.Contains(a, " ")
}

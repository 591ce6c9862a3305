package measures_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"haven/portal/fault"
	"haven/portal/measures"
)

func testMoodCheckInOnePerLocalDay(t *testing.T, e *env) {
	p := e.patient.UserID
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	e.clock.Set(time.Date(2026, 5, 1, 23, 30, 0, 0, tokyo))
	if _, err := e.svc.CheckIn(e.ctx, e.patient, p, measures.MoodInput{Score: 3, Note: "rough evening", Zone: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2026, 5, 1, 23, 50, 0, 0, tokyo))
	m, err := e.svc.CheckIn(e.ctx, e.patient, p, measures.MoodInput{Score: 5, Note: "  talked to my sister  ", Zone: "Asia/Tokyo"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Day != time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) || m.Note != "talked to my sister" {
		t.Fatalf("check-in = %+v", m)
	}
	e.clock.Set(time.Date(2026, 5, 2, 0, 10, 0, 0, tokyo)) // the next local day (still 1 May in UTC)
	if _, err := e.svc.CheckIn(e.ctx, e.patient, p, measures.MoodInput{Score: 7, Zone: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)
	moods, err := e.svc.Moods(e.ctx, e.doc, p, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(moods) != 2 || moods[0].Score != 5 || moods[0].Note != "talked to my sister" || moods[1].Score != 7 || moods[1].Note != "" ||
		moods[1].Day != time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("moods = %+v", moods)
	}
	trend, err := e.svc.MoodTrend(e.ctx, e.patient, p, from, to)
	if err != nil || len(trend) != 2 || trend[0].Score != 5 || trend[1].Score != 7 {
		t.Fatalf("trend = %+v, %v", trend, err)
	}
	// Sealed at rest.
	rows, err := e.pool.Query(e.ctx, `SELECT entry FROM measure_moods WHERE patient_id = $1`, p)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		for _, plain := range []string{"sister", "score", `"note"`} {
			if bytes.Contains(b, []byte(plain)) {
				t.Fatalf("mood entry contains %q", plain)
			}
		}
	}
	if e.audits(t, "measures.write", e.patient, p) != 3 || e.audits(t, "measures.read", e.doc, p) != 1 || e.audits(t, "measures.read", e.patient, p) != 1 {
		t.Fatal("mood reads and writes not audited one row per call")
	}
}

func testMoodCheckInRefusesBadInput(t *testing.T, e *env) {
	p := e.patient.UserID
	cases := []struct {
		name string
		in   measures.MoodInput
		want error
		code fault.Code
	}{
		{"score 0", measures.MoodInput{Score: 0, Zone: "UTC"}, measures.ErrBadMood, fault.Invalid},
		{"score 11", measures.MoodInput{Score: 11, Zone: "UTC"}, measures.ErrBadMood, fault.Invalid},
		{"long note", measures.MoodInput{Score: 4, Zone: "UTC", Note: strings.Repeat("é", measures.MaxMoodNote+1)}, measures.ErrNoteTooLong, fault.TooLarge},
		{"control characters", measures.MoodInput{Score: 4, Zone: "UTC", Note: "a\x00b"}, measures.ErrBadNote, fault.Invalid},
		{"invalid UTF-8", measures.MoodInput{Score: 4, Zone: "UTC", Note: "\xff"}, measures.ErrBadNote, fault.Invalid},
		{"zone", measures.MoodInput{Score: 4, Zone: "Local"}, measures.ErrBadZone, fault.Invalid},
	}
	for _, c := range cases {
		_, err := e.svc.CheckIn(e.ctx, e.patient, p, c.in)
		wantErr(t, err, c.want)
		wantCode(t, err, c.code)
	}
	// A note of exactly the limit is fine.
	if _, err := e.svc.CheckIn(e.ctx, e.patient, p, measures.MoodInput{Score: 4, Zone: "UTC", Note: strings.Repeat("é", measures.MaxMoodNote)}); err != nil {
		t.Fatal(err)
	}
	// Only the patient checks in, even a clinician on the team.
	_, err := e.svc.CheckIn(e.ctx, e.doc, p, measures.MoodInput{Score: 4, Zone: "UTC"})
	wantErr(t, err, measures.ErrPatientOnly)
	if n := e.rows(t, "measure_moods"); n != 1 {
		t.Fatalf("%d moods stored, want 1", n)
	}
	_, err = e.svc.Moods(e.ctx, e.patient, p, e.clock.Now(), e.clock.Now().AddDate(0, 0, -1))
	wantErr(t, err, measures.ErrBadRange)
}

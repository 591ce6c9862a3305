package records_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"haven/portal/fault"
	"haven/portal/records"
)

func testWithheldNoteIsInvisibleToThePatient(t *testing.T, e *env) {
	p := e.patient.UserID
	shared := e.note(t, e.doc, records.KindProgress, "Session 3", "Worked on sleep routine.", "")
	held := e.note(t, e.doc, records.KindVisitSummary, "Assessment", "Formulation pending discussion.", records.PreventingHarm)
	if !shared.Shared() || held.Shared() || held.Withheld != records.PreventingHarm || held.WithheldBy != e.doc.UserID {
		t.Fatalf("shared %+v, held %+v", shared, held)
	}
	// The reason is recorded with who and when.
	var reason string
	var by int64
	var atSet bool
	err := e.pool.QueryRow(e.ctx, `SELECT withheld_reason, withheld_by, withheld_at IS NOT NULL FROM record_notes WHERE id = $1`, held.ID).Scan(&reason, &by, &atSet)
	if err != nil || reason != "preventing_harm" || by != e.doc.UserID || !atSet {
		t.Fatalf("withheld row: %q %d %v, %v", reason, by, atSet, err)
	}

	mine, err := e.svc.Notes(e.ctx, e.patient, p)
	if err != nil || !slices.Equal(ids(mine), []int64{shared.ID}) || mine[0].Body != "Worked on sleep routine." {
		t.Fatalf("patient's notes = %+v, %v", mine, err)
	}
	_, err = e.svc.Note(e.ctx, e.patient, p, held.ID)
	wantErr(t, err, records.ErrNoNote)
	x, err := e.svc.ExportForPatient(e.ctx, e.patient, p)
	if err != nil || !slices.Equal(ids(x.Notes), []int64{shared.ID}) {
		t.Fatalf("export notes = %v, %v", ids(x.Notes), err)
	}

	// The care team sees both, newest first, with the reason.
	team, err := e.svc.Notes(e.ctx, e.doc2, p)
	if err != nil || !slices.Equal(ids(team), []int64{held.ID, shared.ID}) || team[0].Withheld != records.PreventingHarm {
		t.Fatalf("team's notes = %+v, %v", team, err)
	}

	// Released, the patient sees it; withheld again for another reason, not.
	if err := e.svc.ShareNote(e.ctx, e.doc2, p, held.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.Note(e.ctx, e.patient, p, held.ID); err != nil || n.Title != "Assessment" || n.Withheld != "" {
		t.Fatalf("released note = %+v, %v", n, err)
	}
	if err := e.svc.WithholdNote(e.ctx, e.doc, p, held.ID, records.Privacy); err != nil {
		t.Fatal(err)
	}
	if mine, _ := e.svc.Notes(e.ctx, e.patient, p); len(mine) != 1 {
		t.Fatalf("patient sees %d notes after withholding again", len(mine))
	}
	for _, bad := range []records.Exception{"", "because", "PRIVACY"} {
		wantErr(t, e.svc.WithholdNote(e.ctx, e.doc, p, shared.ID, bad), records.ErrBadException)
	}
	_, err = e.svc.WriteNote(e.ctx, e.doc, records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "x", Body: "y", Withhold: "dislike"})
	wantErr(t, err, records.ErrBadException)
	wantErr(t, e.svc.ShareNote(e.ctx, e.doc, p, 0), records.ErrNoNote)
	// The patient cannot change sharing.
	wantErr(t, e.svc.ShareNote(e.ctx, e.patient, p, held.ID), records.ErrCareTeamOnly)
}

func testPsychotherapyNotesNeverReachThePatient(t *testing.T, e *env) {
	p := e.patient.UserID
	psy := e.note(t, e.doc, records.KindPsychotherapy, "Process notes", "Transference themes; countertransference.", "")
	shared := e.note(t, e.doc, records.KindProgress, "Plan", "Continue weekly.", "")
	if psy.Shared() || psy.Withheld != "" {
		t.Fatalf("psychotherapy note = %+v", psy)
	}
	if mine, err := e.svc.Notes(e.ctx, e.patient, p); err != nil || !slices.Equal(ids(mine), []int64{shared.ID}) {
		t.Fatalf("patient's notes = %v, %v", ids(mine), err)
	}
	_, err := e.svc.Note(e.ctx, e.patient, p, psy.ID)
	wantErr(t, err, records.ErrNoNote)
	// The export never includes it, whoever asks for it.
	for _, x := range []struct{ by string }{{"patient"}, {"author"}} {
		actor := e.patient
		if x.by == "author" {
			actor = e.doc
		}
		ex, err := e.svc.ExportForPatient(e.ctx, actor, p)
		if err != nil || !slices.Equal(ids(ex.Notes), []int64{shared.ID}) {
			t.Fatalf("export by %s = %v, %v", x.by, ids(ex.Notes), err)
		}
	}
	// Only its author reads it; a colleague on the team does not.
	if n, err := e.svc.Note(e.ctx, e.doc, p, psy.ID); err != nil || n.Body != "Transference themes; countertransference." {
		t.Fatalf("author reading = %+v, %v", n, err)
	}
	if team, _ := e.svc.Notes(e.ctx, e.doc2, p); !slices.Equal(ids(team), []int64{shared.ID}) {
		t.Fatalf("colleague sees %v", ids(team))
	}
	// It can be neither shared nor withheld, and the schema refuses too.
	wantErr(t, e.svc.ShareNote(e.ctx, e.doc, p, psy.ID), records.ErrPsychotherapy)
	wantErr(t, e.svc.WithholdNote(e.ctx, e.doc, p, psy.ID, records.Privacy), records.ErrPsychotherapy)
	wantErr(t, e.svc.ShareNote(e.ctx, e.doc2, p, psy.ID), records.ErrNoNote)
	_, err = e.svc.WriteNote(e.ctx, e.doc, records.NewNote{PatientID: p, Kind: records.KindPsychotherapy, Title: "t", Body: "b", Withhold: records.Privacy})
	wantErr(t, err, records.ErrPsychotherapy)
	if _, err := e.pool.Exec(e.ctx, `UPDATE record_notes SET shared_at = now() WHERE id = $1`, psy.ID); err == nil {
		t.Fatal("the schema let a psychotherapy note be shared")
	}
}

func testNotesAreSealedAtRest(t *testing.T, e *env) {
	n := e.note(t, e.doc, records.KindProgress, "Panic attacks at work", "Discussed exposure hierarchy.", "")
	var title, body []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT title, body FROM record_notes WHERE id = $1`, n.ID).Scan(&title, &body); err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"Panic", "exposure", "hierarchy"} {
		if bytes.Contains(title, []byte(plain)) || bytes.Contains(body, []byte(plain)) {
			t.Fatalf("sealed note contains %q", plain)
		}
	}
	// Moved to another row, a ciphertext no longer opens.
	m := e.note(t, e.doc, records.KindProgress, "Other", "Other body.", "")
	if _, err := e.pool.Exec(e.ctx, `UPDATE record_notes SET body = $1 WHERE id = $2`, body, m.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Note(e.ctx, e.doc, e.patient.UserID, m.ID)
	wantCode(t, err, fault.Internal)
}

func testBadNotesStoreNothing(t *testing.T, e *env) {
	p := e.patient.UserID
	cases := []struct {
		name string
		in   records.NewNote
		code fault.Code
	}{
		{"kind", records.NewNote{PatientID: p, Kind: "diary", Title: "t", Body: "b"}, fault.Invalid},
		{"empty title", records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "  ", Body: "b"}, fault.Invalid},
		{"long title", records.NewNote{PatientID: p, Kind: records.KindProgress, Title: strings.Repeat("t", 201), Body: "b"}, fault.Invalid},
		{"empty body", records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "t", Body: "\n\t "}, fault.Invalid},
		{"long body", records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "t", Body: strings.Repeat("b", records.MaxNoteBody+1)}, fault.TooLarge},
		{"control characters", records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "t", Body: "a\x1bb"}, fault.Invalid},
		{"bad UTF-8", records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "\xc3", Body: "b"}, fault.Invalid},
	}
	for _, c := range cases {
		_, err := e.svc.WriteNote(e.ctx, e.doc, c.in)
		if fault.CodeOf(err) != c.code {
			t.Errorf("%s: err = %v, want code %v", c.name, err, c.code)
		}
	}
	_, err := e.svc.WriteNote(e.ctx, e.patient, records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "t", Body: "b"})
	wantErr(t, err, records.ErrCareTeamOnly)
	if n := e.rows(t, "record_notes"); n != 0 {
		t.Fatalf("%d notes stored by refused writes", n)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'records.write' AND patient_id = $1`, p); n != 0 {
		t.Fatalf("%d writes audited", n)
	}
}

package records

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// audience is who a read of notes is for. This file is the one place that
// decides which notes a reader may see: every read of notes — a list, a
// single note, a note locked for a change, the export for the patient —
// goes through readNotes with an audience, and nowhere else selects from
// record_notes.
//
//   - The patient's view (the patient, and every patient-facing or export
//     function whoever calls it) holds only shared notes: never a withheld
//     note, never a psychotherapy note.
//   - A staff member's view holds every note except other authors'
//     psychotherapy notes: those are their author's alone (45 CFR 164.501,
//     164.508(a)(2)).
type audience struct {
	patient bool
	staffID int64 // the staff reader, for their own psychotherapy notes
}

// patientView is the audience of the patient and of every patient-facing
// or export path, whoever asks.
func patientView() audience { return audience{patient: true} }

// viewOf is actor's own audience.
func viewOf(actor account.Actor) audience {
	if actor.Role == account.RolePatient {
		return patientView()
	}
	return audience{staffID: actor.UserID}
}

// The filters, one per audience.
const (
	sqlPatientSees = `kind <> 'psychotherapy' AND shared_at IS NOT NULL AND withheld_reason IS NULL`
	sqlStaffSees   = `(kind <> 'psychotherapy' OR author_id = $3)`
	noteColumns    = `id, patient_id, author_id, kind, title, body, created_at, shared_at,
		coalesce(withheld_reason, ''), coalesce(withheld_by, 0), withheld_at`
	// $2 = 0 selects every note of the patient.
	sqlNotesWhere = ` FROM record_notes WHERE patient_id = $1 AND ($2::bigint = 0 OR id = $2) AND `
	sqlNotesOrder = ` ORDER BY created_at DESC, id DESC`
)

// sees is the same rule in Go, checked again on every row read: a row the
// SQL should have excluded is a bug, and is dropped rather than shown.
func (a audience) sees(n Note) bool {
	if n.Kind == KindPsychotherapy {
		return !a.patient && n.AuthorID == a.staffID
	}
	return !a.patient || (n.Shared() && n.Withheld == "")
}

// readNotes returns patientID's notes visible to aud (one note when noteID
// is not 0), newest first, unsealed. forUpdate locks the rows.
func (s *Service) readNotes(ctx context.Context, tx pgx.Tx, patientID, noteID int64, aud audience, forUpdate bool) ([]Note, error) {
	sql, args := `SELECT `+noteColumns+sqlNotesWhere+sqlPatientSees+sqlNotesOrder, []any{patientID, noteID}
	if !aud.patient {
		sql, args = `SELECT `+noteColumns+sqlNotesWhere+sqlStaffSees+sqlNotesOrder, append(args, aud.staffID)
	}
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("records: notes: %w", err)
	}
	type stored struct {
		n           Note
		title, body []byte
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
		var st stored
		var shared, withheld *time.Time
		err := r.Scan(&st.n.ID, &st.n.PatientID, &st.n.AuthorID, &st.n.Kind, &st.title, &st.body, &st.n.CreatedAt,
			&shared, &st.n.Withheld, &st.n.WithheldBy, &withheld)
		st.n.SharedAt, st.n.WithheldAt = deref(shared), deref(withheld)
		return st, err
	})
	if err != nil {
		return nil, fmt.Errorf("records: notes: %w", err)
	}
	out := make([]Note, 0, len(got))
	for _, st := range got {
		if !aud.sees(st.n) {
			s.log.ErrorContext(ctx, "records: note outside its audience dropped", "note_id", st.n.ID)
			continue
		}
		row := itoa(st.n.ID)
		if st.n.Title, err = s.openText(ctx, patientID, ad("record_notes", row, "title"), st.title); err != nil {
			return nil, err
		}
		if st.n.Body, err = s.openText(ctx, patientID, ad("record_notes", row, "body"), st.body); err != nil {
			return nil, err
		}
		out = append(out, st.n)
	}
	return out, nil
}

// lockNote reads one note visible to aud for update, or fails with ErrNoNote.
func (s *Service) lockNote(ctx context.Context, tx pgx.Tx, patientID, noteID int64, aud audience) (Note, error) {
	if noteID <= 0 {
		return Note{}, ErrNoNote
	}
	ns, err := s.readNotes(ctx, tx, patientID, noteID, aud, true)
	if err != nil {
		return Note{}, err
	}
	if len(ns) == 0 {
		return Note{}, ErrNoNote
	}
	return ns[0], nil
}

// Notes returns the patient's notes that actor may see, newest first,
// audited as one records.read: to the patient, only shared notes; to staff
// the policy admits, every note but other authors' psychotherapy notes.
func (s *Service) Notes(ctx context.Context, actor account.Actor, patientID int64) ([]Note, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return nil, err
	}
	var out []Note
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = s.readNotes(ctx, tx, patientID, 0, viewOf(actor), false); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "notes")
	})
	return out, err
}

// Note returns one note actor may see (see Notes), audited as
// records.read. ErrNoNote when there is none, or actor may not see it.
func (s *Service) Note(ctx context.Context, actor account.Actor, patientID, noteID int64) (Note, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return Note{}, err
	}
	if noteID <= 0 {
		return Note{}, ErrNoNote
	}
	var n Note
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		ns, err := s.readNotes(ctx, tx, patientID, noteID, viewOf(actor), false)
		if err != nil {
			return err
		}
		if len(ns) == 0 {
			return ErrNoNote
		}
		n = ns[0]
		return s.audit(ctx, tx, actor, actionRead, patientID, "note:"+itoa(n.ID))
	})
	return n, err
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

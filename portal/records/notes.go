package records

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// NoteKind is the kind of a clinical note.
type NoteKind string

// The kinds of note. Psychotherapy notes (45 CFR 164.501: a mental health
// professional's notes of counseling sessions, kept apart from the rest of
// the record) are never shared with the patient, never exported, and are
// read only by their author.
const (
	KindProgress      NoteKind = "progress"
	KindVisitSummary  NoteKind = "visit_summary"
	KindPsychotherapy NoteKind = "psychotherapy"
)

func (k NoteKind) valid() bool {
	return k == KindProgress || k == KindVisitSummary || k == KindPsychotherapy
}

// Exception is a 21st Century Cures Act information-blocking exception
// (45 CFR part 171, subparts B and C) under which a clinician withholds a
// note from the patient.
type Exception string

// The exceptions.
const (
	PreventingHarm      Exception = "preventing_harm"       // § 171.201
	Privacy             Exception = "privacy"               // § 171.202
	Security            Exception = "security"              // § 171.203
	Infeasibility       Exception = "infeasibility"         // § 171.204
	HealthITPerformance Exception = "health_it_performance" // § 171.205
	ContentAndManner    Exception = "content_and_manner"    // § 171.301
	Fees                Exception = "fees"                  // § 171.302
	Licensing           Exception = "licensing"             // § 171.303
)

// Exceptions lists every exception, in the order of the regulation.
func Exceptions() []Exception {
	return []Exception{PreventingHarm, Privacy, Security, Infeasibility, HealthITPerformance, ContentAndManner, Fees, Licensing}
}

func (e Exception) valid() bool {
	for _, x := range Exceptions() {
		if e == x {
			return true
		}
	}
	return false
}

// Note limits, in characters.
const (
	MaxNoteTitle = 200
	MaxNoteBody  = 100_000
)

// NewNote is a note a clinician writes.
type NewNote struct {
	PatientID int64
	Kind      NoteKind
	Title     string
	Body      string
	// Withhold, when set, withholds the note from the patient under this
	// exception; otherwise a note is shared at once. Psychotherapy notes
	// are never shared and take no exception.
	Withhold Exception
}

// Note is a clinical note. The patient sees only shared notes, and never
// the sharing fields' withheld values (they never see withheld notes).
type Note struct {
	ID         int64
	PatientID  int64
	AuthorID   int64
	Kind       NoteKind
	Title      string
	Body       string
	CreatedAt  time.Time
	SharedAt   time.Time // zero unless shared
	Withheld   Exception // "" unless withheld
	WithheldBy int64
	WithheldAt time.Time
}

// Shared reports whether the patient can read the note.
func (n Note) Shared() bool { return !n.SharedAt.IsZero() }

const (
	sqlNextNoteID = `SELECT nextval(pg_get_serial_sequence('record_notes', 'id'))`
	sqlInsertNote = `INSERT INTO record_notes (id, patient_id, author_id, kind, title, body, created_at,
		shared_at, withheld_reason, withheld_by, withheld_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	sqlShareNote    = `UPDATE record_notes SET shared_at = $2, withheld_reason = NULL, withheld_by = NULL, withheld_at = NULL WHERE id = $1`
	sqlWithholdNote = `UPDATE record_notes SET shared_at = NULL, withheld_reason = $2, withheld_by = $3, withheld_at = $4 WHERE id = $1`
)

// WriteNote stores a note by a clinician the access policy admits
// (ErrCareTeamOnly for anyone else the policy admits), shared with the
// patient at once unless withheld under an exception or a psychotherapy
// note. Title and body are sealed; the write is audited as records.write in
// the same transaction. Bad input fails with fault.Invalid or
// fault.TooLarge before anything is stored.
func (s *Service) WriteNote(ctx context.Context, actor account.Actor, in NewNote) (Note, error) {
	if err := s.allowClinician(ctx, actor, in.PatientID); err != nil {
		return Note{}, err
	}
	n, err := in.check()
	if err != nil {
		return Note{}, err
	}
	n.PatientID, n.AuthorID, n.CreatedAt = in.PatientID, actor.UserID, s.now()
	switch {
	case n.Kind == KindPsychotherapy:
	case in.Withhold != "":
		n.Withheld, n.WithheldBy, n.WithheldAt = in.Withhold, actor.UserID, n.CreatedAt
	default:
		n.SharedAt = n.CreatedAt
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlNextNoteID).Scan(&n.ID); err != nil {
			return fmt.Errorf("records: note id: %w", err)
		}
		row := itoa(n.ID)
		title, err := s.sealText(ctx, n.PatientID, ad("record_notes", row, "title"), n.Title)
		if err != nil {
			return err
		}
		body, err := s.sealText(ctx, n.PatientID, ad("record_notes", row, "body"), n.Body)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertNote, n.ID, n.PatientID, n.AuthorID, string(n.Kind), title, body, n.CreatedAt,
			nullTime(n.SharedAt), nullString(string(n.Withheld)), nullID(n.WithheldBy), nullTime(n.WithheldAt)); err != nil {
			return fmt.Errorf("records: insert note: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, n.PatientID, "note:"+row)
	})
	if err != nil {
		return Note{}, err
	}
	s.log.InfoContext(ctx, "records: note written", "note_id", n.ID, "patient_id", n.PatientID)
	return n, nil
}

// check validates a new note and returns it cleaned.
func (in NewNote) check() (Note, error) {
	if !in.Kind.valid() {
		return Note{}, ErrBadKind
	}
	if in.Kind == KindPsychotherapy && in.Withhold != "" {
		return Note{}, ErrPsychotherapy
	}
	if in.Withhold != "" && !in.Withhold.valid() {
		return Note{}, ErrBadException
	}
	title, err := cleanText(in.Title, MaxNoteTitle, false)
	if err != nil || title == "" {
		return Note{}, ErrBadTitle
	}
	body, err := cleanText(in.Body, MaxNoteBody, true)
	if err != nil {
		return Note{}, err
	}
	if body == "" {
		return Note{}, ErrBadBody
	}
	return Note{Kind: in.Kind, Title: title, Body: body}, nil
}

// ShareNote shares a withheld note with the patient, clearing its
// exception, audited as records.write. Only a clinician the policy admits
// may share; sharing a shared note is a no-op. A psychotherapy note fails
// with ErrPsychotherapy; a note the clinician cannot see, ErrNoNote.
func (s *Service) ShareNote(ctx context.Context, actor account.Actor, patientID, noteID int64) error {
	return s.setSharing(ctx, actor, patientID, noteID, "")
}

// WithholdNote withholds a note from the patient under exception why,
// recording who and when, audited as records.write; the patient no longer
// sees it. Only a clinician the policy admits may withhold. ErrBadException
// for a missing or unknown exception; see ShareNote for the other errors.
func (s *Service) WithholdNote(ctx context.Context, actor account.Actor, patientID, noteID int64, why Exception) error {
	if !why.valid() {
		if err := s.allowClinician(ctx, actor, patientID); err != nil {
			return err
		}
		return ErrBadException
	}
	return s.setSharing(ctx, actor, patientID, noteID, why)
}

// setSharing shares the note (why == "") or withholds it.
func (s *Service) setSharing(ctx context.Context, actor account.Actor, patientID, noteID int64, why Exception) error {
	if err := s.allowClinician(ctx, actor, patientID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		n, err := s.lockNote(ctx, tx, patientID, noteID, viewOf(actor))
		if err != nil {
			return err
		}
		if n.Kind == KindPsychotherapy {
			return ErrPsychotherapy
		}
		now := s.now()
		switch {
		case why == "" && n.Shared(), why != "" && n.Withheld == why:
			// Already so: nothing changes, but the note was read.
		case why == "":
			_, err = tx.Exec(ctx, sqlShareNote, n.ID, now)
		default:
			_, err = tx.Exec(ctx, sqlWithholdNote, n.ID, string(why), actor.UserID, now)
		}
		if err != nil {
			return fmt.Errorf("records: note %d sharing: %w", n.ID, err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "note:"+itoa(n.ID))
	})
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

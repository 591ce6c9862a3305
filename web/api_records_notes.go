package web

import (
	"context"
	"net/http"
	"time"

	"haven/portal/records"
)

// noteRequest is a note a clinician writes. withhold, when set, names the
// Cures Act exception under which it is withheld from the patient;
// otherwise it is shared at once (psychotherapy notes never are).
type noteRequest struct {
	Kind     string `json:"kind"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Withhold string `json:"withhold"`
}

type withholdRequest struct {
	Exception string `json:"exception"`
}

// noteJSON is a note as its reader may see it. The patient only ever
// receives shared notes, so never the withheld fields.
type noteJSON struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	AuthorID   int64     `json:"author_id"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
	SharedAt   time.Time `json:"shared_at,omitzero"`
	Withheld   string    `json:"withheld,omitempty"` // the exception
	WithheldAt time.Time `json:"withheld_at,omitzero"`
}

// names looks up display names for one response, each id once.
type names struct {
	s    *Server
	ctx  context.Context
	seen map[int64]string
}

func (s *Server) names(ctx context.Context) *names {
	return &names{s: s, ctx: ctx, seen: map[int64]string{}}
}

// of returns id's display name, or "" when it cannot be found.
func (n *names) of(id int64) string {
	if name, ok := n.seen[id]; ok {
		return name
	}
	name := ""
	if a, err := n.s.deps.Accounts.Account(n.ctx, id); err == nil {
		name = a.DisplayName
	}
	n.seen[id] = name
	return name
}

func toNote(n records.Note, who *names) noteJSON {
	return noteJSON{ID: n.ID, Kind: string(n.Kind), Title: n.Title, Body: n.Body, AuthorID: n.AuthorID,
		AuthorName: who.of(n.AuthorID), CreatedAt: n.CreatedAt, SharedAt: n.SharedAt,
		Withheld: string(n.Withheld), WithheldAt: n.WithheldAt}
}

// handleNotes lists the notes the caller may see, newest first.
func (s *Server) handleNotes(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	list, err := rec.Notes(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	who := s.names(r.Context())
	out := make([]noteJSON, 0, len(list))
	for _, n := range list {
		out = append(out, toNote(n, who))
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": out})
	return nil
}

// handleNote returns one note the caller may see; 404 otherwise.
func (s *Server) handleNote(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "note")
	if err != nil {
		return err
	}
	n, err := rec.Note(r.Context(), u.Actor, patientID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toNote(n, s.names(r.Context())))
	return nil
}

// handleWriteNote stores a clinician's note: 201 with the note.
func (s *Server) handleWriteNote(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	var in noteRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	n, err := rec.WriteNote(r.Context(), u.Actor, records.NewNote{PatientID: patientID, Kind: records.NoteKind(in.Kind),
		Title: in.Title, Body: in.Body, Withhold: records.Exception(in.Withhold)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toNote(n, s.names(r.Context())))
	return nil
}

// handleShareNote shares a withheld note with the patient: 204.
func (s *Server) handleShareNote(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "note")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if err := rec.ShareNote(r.Context(), u.Actor, patientID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleWithholdNote withholds a note under an exception: 204.
func (s *Server) handleWithholdNote(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "note")
	if err != nil {
		return err
	}
	var in withholdRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	if err := rec.WithholdNote(r.Context(), u.Actor, patientID, id, records.Exception(in.Exception)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

package web

import (
	"errors"
	"net/http"
	"time"

	"haven/crisis"
	"haven/portal/fault"
)

// queueEntry is one open escalation as the console lists it: references
// and states, never message text or the patient's name (those are for the
// counselor holding it, through GET /api/crisis/{id}).
type queueEntry struct {
	ID         int64     `json:"id"`
	Severity   string    `json:"severity"` // low, medium, high
	Source     string    `json:"source"`   // button, message, measure, clinician
	TriggerRef string    `json:"trigger_ref"`
	Triggers   int       `json:"triggers"`
	State      string    `json:"state"`
	Tier       int       `json:"tier"`
	Held       string    `json:"held"` // "" waiting, "you", or "other"
	RaisedAt   time.Time `json:"raised_at"`
	WaitMS     int64     `json:"wait_ms"` // since raised, by the database's clock
}

// handleCrisisQueue lists every open escalation, waiting ones first, each
// group by severity (highest first) then longest wait. Counselors only;
// crisis audits the read.
func (s *Server) handleCrisisQueue(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	items, err := c.Queue(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := make([]queueEntry, 0, len(items))
	for _, q := range items {
		held := ""
		switch {
		case q.CounselorID == u.ID:
			held = "you"
		case q.CounselorID != 0:
			held = "other"
		}
		out = append(out, queueEntry{ID: q.ID, Severity: q.Severity.String(), Source: string(q.Source),
			TriggerRef: q.TriggerRef, Triggers: q.Triggers, State: string(q.State), Tier: q.Tier, Held: held,
			RaisedAt: q.RaisedAt, WaitMS: q.Wait.Milliseconds()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// claimResponse is a claimed escalation. ConversationError is set when the
// claim stands but the crisis conversation could not be opened yet;
// claiming again retries it.
type claimResponse struct {
	EscalationID      int64  `json:"escalation_id"`
	State             string `json:"state"`
	ConversationRef   string `json:"conversation_ref,omitempty"`
	ConversationError string `json:"conversation_error,omitempty"`
}

// handleCrisisClaim gives the escalation to the caller if it is still
// waiting and was offered to them: the first claim wins, every other
// claimant gets 409 "Another counselor has already taken this". Claiming
// one the caller already holds is a retry and answers 200 again.
func (s *Server) handleCrisisClaim(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, crisisBodyLimit); err != nil {
		return err
	}
	e, err := c.Claim(r.Context(), u.ID, id)
	out := claimResponse{EscalationID: e.ID, State: string(e.State), ConversationRef: e.ConversationRef}
	switch {
	case errors.Is(err, crisis.ErrConversation):
		out.ConversationError = fault.MessageOf(crisis.ErrConversation)
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

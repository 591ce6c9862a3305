package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"haven/crisis"
	"haven/portal/fault"
)

// crisisOpenFinder is an optional capability of Deps.Crisis: the patient's
// open escalation, or crisis.ErrNoOpen. With it GET /api/crisis/mine finds
// the request by itself; without it the page names the id it remembers.
type crisisOpenFinder interface {
	OpenOf(ctx context.Context, patientID int64) (crisis.Escalation, error)
}

// The patient-facing statuses of a crisis request.
const (
	statusAlerting = "alerting"            // raised, counselors being alerted
	statusAlerted  = crisis.StatusAlerted  // on-call counselors were alerted
	statusCall988  = crisis.StatusCall988  // nobody on call or nobody answered yet
	statusJoined   = crisis.StatusJoined   // a counselor has joined
	statusResolved = crisis.StatusResolved // the counselor closed it
)

// crisisRequest is the patient's view of their crisis request: ids and
// statuses, and the counselor's display name once one has joined.
type crisisRequest struct {
	Open            bool       `json:"open"`
	EscalationID    int64      `json:"escalation_id,omitempty"`
	Status          string     `json:"status,omitempty"`
	CounselorName   string     `json:"counselor_name,omitempty"`
	ConversationRef string     `json:"conversation_ref,omitempty"`
	LocationShared  bool       `json:"location_shared"`
	RaisedAt        *time.Time `json:"raised_at,omitempty"`
}

// handleCrisisButton raises (or joins) the patient's crisis request from
// the crisis button and offers it to the on-call counselors at once: 201
// for a new request, 200 when one was already open. Haven never contacts
// emergency services; the page tells the patient so.
func (s *Server) handleCrisisButton(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	if err := decodeEmpty(w, r, crisisBodyLimit); err != nil {
		return err
	}
	e, err := c.RaiseAndOffer(r.Context(), crisis.RaiseRequest{PatientID: u.ID, Severity: crisis.High,
		Source: crisis.SourceButton, TriggerRef: "button:", RaisedBy: u.ID})
	if err != nil {
		return err
	}
	out, err := s.requestOf(r.Context(), c, e)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if e.Attached {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
	return nil
}

// handleCrisisMine returns the patient's open crisis request ({"open":
// false} when there is none). Without the OpenOf capability the page names
// the request it remembers with ?id=, which must be the patient's own.
func (s *Server) handleCrisisMine(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	var e crisis.Escalation
	var err error
	if f, ok := c.(crisisOpenFinder); ok {
		e, err = f.OpenOf(r.Context(), u.ID)
	} else {
		e, err = s.rememberedRequest(r, u, c)
	}
	if errors.Is(err, crisis.ErrNoOpen) {
		writeJSON(w, http.StatusOK, crisisRequest{})
		return nil
	}
	if err != nil {
		return err
	}
	out, err := s.requestOf(r.Context(), c, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// errBadCrisisID refuses a malformed ?id=.
var errBadCrisisID = fault.New(fault.Invalid, "The id must be a positive whole number.")

// rememberedRequest loads the escalation named by ?id= if it is u's own;
// anything else (no id, another patient's, unknown) is crisis.ErrNoOpen,
// so nobody learns of another patient's request.
func (s *Server) rememberedRequest(r *http.Request, u User, c Crisis) (crisis.Escalation, error) {
	q := r.URL.Query().Get("id")
	if q == "" {
		return crisis.Escalation{}, crisis.ErrNoOpen
	}
	id, err := strconv.ParseInt(q, 10, 64)
	if err != nil || id <= 0 {
		return crisis.Escalation{}, errBadCrisisID
	}
	e, err := c.Get(r.Context(), id)
	if errors.Is(err, crisis.ErrNotFound) || (err == nil && e.PatientID != u.ID) {
		return crisis.Escalation{}, crisis.ErrNoOpen
	}
	return e, err
}

// requestOf builds the patient's view of e.
func (s *Server) requestOf(ctx context.Context, c Crisis, e crisis.Escalation) (crisisRequest, error) {
	raised := e.RaisedAt
	out := crisisRequest{Open: e.State != crisis.Resolved, EscalationID: e.ID, ConversationRef: e.ConversationRef,
		LocationShared: e.HasLocation, RaisedAt: &raised}
	switch e.State {
	case crisis.Raised:
		out.Status = statusAlerting
	case crisis.Offered:
		out.Status = statusAlerted
		if nobody, err := offeredToNobody(ctx, c, e.ID); err != nil {
			return crisisRequest{}, err
		} else if nobody {
			out.Status = statusCall988
		}
	case crisis.Rerouted, crisis.Expired:
		out.Status = statusCall988
	case crisis.Claimed, crisis.InConversation:
		out.Status = statusJoined
		a, err := s.deps.Accounts.Account(ctx, e.CounselorID)
		if err != nil {
			return crisisRequest{}, err
		}
		out.CounselorName = a.DisplayName
	case crisis.Resolved:
		out.Status = statusResolved
	}
	return out, nil
}

// offeredToNobody reports whether the latest offer of an escalation reached
// nobody (no counselor on call), when the patient is told to call 988.
func offeredToNobody(ctx context.Context, c Crisis, id int64) (bool, error) {
	hist, err := c.History(ctx, id)
	if err != nil {
		return false, err
	}
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].Kind == "offered" {
			return hist[i].Recipients == 0, nil
		}
	}
	return false, nil
}

// locationRequest is a position the patient agreed to share.
type locationRequest struct {
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
	Accuracy *float64 `json:"accuracy"` // metres
}

var errLocationFields = fault.New(fault.Invalid, "A location needs lat, lon and accuracy.")

// handleCrisisLocation attaches the patient's location to their open
// request, for the counselor holding it; 404 when no request is open.
func (s *Server) handleCrisisLocation(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	var in locationRequest
	if err := decodeJSON(w, r, crisisBodyLimit, &in); err != nil {
		return err
	}
	if in.Lat == nil || in.Lon == nil || in.Accuracy == nil {
		return errLocationFields
	}
	id, err := c.ShareLocation(r.Context(), u.ID, crisis.Location{Lat: *in.Lat, Lon: *in.Lon, AccuracyM: *in.Accuracy})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"escalation_id": id, "shared": true})
	return nil
}

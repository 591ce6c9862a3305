package web

import (
	"net/http"
	"time"

	"haven/crisis"
)

// onCallState is whether the counselor is on call now, with the coverage
// of the whole service.
type onCallState struct {
	OnCall     bool          `json:"on_call"`
	Supervisor bool          `json:"supervisor"`
	Coverage   coverageState `json:"coverage"`
}

// coverageState says whether escalations can reach a counselor now.
type coverageState struct {
	Covered     bool `json:"covered"`
	OnCall      int  `json:"on_call"`
	Supervisors int  `json:"supervisors"`
}

// switchRequest sets the counselor's manual on-call switch: "on" (on call
// now, shift or not), "off" (not on call, even during a shift) or "shift"
// (on call exactly during scheduled shifts).
type switchRequest struct {
	Switch string `json:"switch"`
}

// handleOnCallGet says whether the caller is on call now.
func (s *Server) handleOnCallGet(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	st, err := onCallOf(r, u, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// handleOnCallPut sets the caller's on-call switch and returns the state
// it leads to; it takes effect for the next offer or re-route.
func (s *Server) handleOnCallPut(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	var in switchRequest
	if err := decodeJSON(w, r, crisisBodyLimit, &in); err != nil {
		return err
	}
	if err := c.SetSwitch(r.Context(), u.ID, crisis.Switch(in.Switch)); err != nil {
		return err
	}
	return s.handleOnCallGet(w, r, u, c)
}

// handleCoverage says whether anyone is on call, for the console's and the
// admin page's warnings.
func (s *Server) handleCoverage(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	cov, err := c.Coverage(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, coverageOf(cov))
	return nil
}

func onCallOf(r *http.Request, u User, c Crisis) (onCallState, error) {
	list, err := c.OnCall(r.Context(), time.Now())
	if err != nil {
		return onCallState{}, err
	}
	cov, err := c.Coverage(r.Context())
	if err != nil {
		return onCallState{}, err
	}
	st := onCallState{Coverage: coverageOf(cov)}
	for _, e := range list {
		if e.UserID == u.ID {
			st.OnCall, st.Supervisor = true, e.Supervisor
		}
	}
	return st, nil
}

func coverageOf(c crisis.Coverage) coverageState {
	return coverageState{Covered: c.Covered, OnCall: c.OnCall, Supervisors: c.Supervisors}
}

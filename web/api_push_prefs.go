package web

import (
	"net/http"

	"haven/portal/account"
	"haven/push"
)

// preferencesBody is a user's notification preferences on the wire: quiet
// hours as local "HH:MM" times in an IANA zone (both empty: none) and the
// kinds turned off.
type preferencesBody struct {
	QuietStart string      `json:"quiet_start"`
	QuietEnd   string      `json:"quiet_end"`
	Zone       string      `json:"zone"`
	OptOut     []push.Kind `json:"opt_out"`
}

// kindChoice is a kind the settings page offers the user; an always-on kind
// is shown but cannot be turned off.
type kindChoice struct {
	Kind     push.Kind `json:"kind"`
	AlwaysOn bool      `json:"always_on"`
}

// preferencesResponse is the preferences and the kinds that concern the
// user's role, in the order to show them.
type preferencesResponse struct {
	preferencesBody
	Kinds []kindChoice `json:"kinds"`
}

// kindsOf returns the kinds of notification a role receives. Crisis alerts
// reach counselors whatever their preferences, so a person in crisis is
// never left waiting.
func kindsOf(role account.Role) []kindChoice {
	switch role {
	case account.RolePatient:
		return []kindChoice{{Kind: push.KindMessage}, {Kind: push.KindAppointment}, {Kind: push.KindMedication}, {Kind: push.KindQuestionnaire}}
	case account.RoleClinician:
		return []kindChoice{{Kind: push.KindMessage}, {Kind: push.KindAppointment}}
	case account.RoleCounselor:
		return []kindChoice{{Kind: push.KindCrisisAlert, AlwaysOn: true}, {Kind: push.KindMessage}}
	default:
		return []kindChoice{{Kind: push.KindMessage}}
	}
}

// handlePushPreferences returns the caller's preferences.
func (s *Server) handlePushPreferences(w http.ResponseWriter, r *http.Request, u User, p Push) error {
	prefs, err := p.Preferences(r.Context(), u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, preferencesOf(prefs, u.Role))
	return nil
}

// handlePushSetPreferences replaces the caller's preferences and returns
// them as stored. Bad times, zones and kinds, and turning crisis alerts
// off, are 400 with push's message.
func (s *Server) handlePushSetPreferences(w http.ResponseWriter, r *http.Request, u User, p Push) error {
	var in preferencesBody
	if err := decodeJSON(w, r, pushBodyLimit, &in); err != nil {
		return err
	}
	prefs := push.Preferences{QuietStart: in.QuietStart, QuietEnd: in.QuietEnd, Zone: in.Zone, OptOut: in.OptOut}
	if err := p.SetPreferences(r.Context(), u.ID, prefs); err != nil {
		return err
	}
	stored, err := p.Preferences(r.Context(), u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, preferencesOf(stored, u.Role))
	return nil
}

func preferencesOf(p push.Preferences, role account.Role) preferencesResponse {
	out := preferencesResponse{
		preferencesBody: preferencesBody{QuietStart: p.QuietStart, QuietEnd: p.QuietEnd, Zone: p.Zone, OptOut: p.OptOut},
		Kinds:           kindsOf(role),
	}
	if out.OptOut == nil {
		out.OptOut = []push.Kind{}
	}
	return out
}

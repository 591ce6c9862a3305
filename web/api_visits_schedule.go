package web

import (
	"net/http"
	"time"

	"haven/portal/visits"
)

// availabilityJSON is a clinician's hours on the wire: local wall times
// (HH:MM) in an IANA zone. Weekdays count from 0 (Sunday) to 6.
type availabilityJSON struct {
	Zone       string          `json:"zone"`
	Weekly     []weeklyJSON    `json:"weekly"`
	Exceptions []exceptionJSON `json:"exceptions"`
}

type weeklyJSON struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// exceptionJSON is a dated change: kind "off" (start and end "" for the
// whole day) or "extra".
type exceptionJSON struct {
	Date  string `json:"date"`
	Kind  string `json:"kind"`
	Start string `json:"start"`
	End   string `json:"end"`
}

func availabilityOf(av visits.Availability) availabilityJSON {
	out := availabilityJSON{Zone: av.Zone, Weekly: []weeklyJSON{}, Exceptions: []exceptionJSON{}}
	for _, w := range av.Weekly {
		out.Weekly = append(out.Weekly, weeklyJSON{Weekday: int(w.Weekday), Start: w.Start, End: w.End})
	}
	for _, e := range av.Exceptions {
		out.Exceptions = append(out.Exceptions, exceptionJSON{Date: e.Date, Kind: string(e.Kind), Start: e.Start, End: e.End})
	}
	return out
}

// handleAvailability returns a clinician's published hours; 404 when none
// were published.
func (s *Server) handleAvailability(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	av, err := v.Availability(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, availabilityOf(av))
	return nil
}

// handleSetAvailability replaces the caller's own hours and returns them
// as stored. Bad zones, times, dates and kinds are 400 with the
// scheduler's message; nothing is stored then.
func (s *Server) handleSetAvailability(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in availabilityJSON
	if err := decodeJSON(w, r, visitsBodyLimit, &in); err != nil {
		return err
	}
	av := visits.Availability{Zone: in.Zone}
	for _, wk := range in.Weekly {
		if wk.Weekday < 0 || wk.Weekday > 6 {
			return visits.ErrWeekday
		}
		av.Weekly = append(av.Weekly, visits.WeeklyHours{Weekday: time.Weekday(wk.Weekday), Start: wk.Start, End: wk.End})
	}
	for _, e := range in.Exceptions {
		av.Exceptions = append(av.Exceptions, visits.Exception{Date: e.Date, Kind: visits.ExceptionKind(e.Kind), Start: e.Start, End: e.End})
	}
	if err := v.SetAvailability(r.Context(), u.Actor, id, av); err != nil {
		return err
	}
	return s.handleAvailability(w, r, u, v)
}

// handleVisitTypes lists a clinician's active visit types, shortest first.
func (s *Server) handleVisitTypes(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := v.VisitTypes(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	out := make([]visitTypeJSON, 0, len(list))
	for _, t := range list {
		out = append(out, visitTypeOf(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"visit_types": out})
	return nil
}

type visitTypeRequest struct {
	Name     string `json:"name"`
	Minutes  int    `json:"minutes"`
	Modality string `json:"modality"`
}

// handleAddVisitType adds a visit type the caller offers: 201 with it.
func (s *Server) handleAddVisitType(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in visitTypeRequest
	if err := decodeJSON(w, r, visitsBodyLimit, &in); err != nil {
		return err
	}
	t, err := v.AddVisitType(r.Context(), u.Actor, visits.VisitType{ClinicianID: id, Name: in.Name, Minutes: in.Minutes,
		Modality: visits.Modality(in.Modality)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, visitTypeOf(t))
	return nil
}

// handleRetireVisitType stops offering one of the caller's visit types.
func (s *Server) handleRetireVisitType(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, visitsBodyLimit); err != nil {
		return err
	}
	if err := v.RetireVisitType(r.Context(), u.Actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// defaultSlotDays is how far ahead open times are listed when the request
// names no end.
const defaultSlotDays = 14

// handleOpenSlots lists a clinician's open times for ?type= in [?from=,
// ?to=) (RFC 3339; default now and two weeks on). For a patient the
// clinician must be on their care team.
func (s *Server) handleOpenSlots(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	typeID, err := queryVisitID(q, "type", errVisitTypeNeeded)
	if err != nil {
		return err
	}
	from, err := queryVisitTime(q, "from", time.Now())
	if err != nil {
		return err
	}
	to, err := queryVisitTime(q, "to", from.Add(defaultSlotDays*24*time.Hour))
	if err != nil {
		return err
	}
	slots, err := v.OpenSlots(r.Context(), u.Actor, id, from, to, typeID)
	if err != nil {
		return err
	}
	out := make([]slotJSON, 0, len(slots))
	for _, sl := range slots {
		out = append(out, slotJSON{Start: visitTime(sl.Start, sl.Zone), End: visitTime(sl.End, sl.Zone), Zone: sl.Zone})
	}
	writeJSON(w, http.StatusOK, map[string]any{"slots": out})
	return nil
}

// handleDayView lists the caller's own visits and held offers on ?date=
// (YYYY-MM-DD in their zone), with the patients' names.
func (s *Server) handleDayView(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	day := r.URL.Query().Get("date")
	list, zone, err := v.DayView(r.Context(), u.Actor, id, day)
	if err != nil {
		return err
	}
	out, err := s.namesFor(v, u).appointments(r.Context(), list, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": day, "zone": zone, "appointments": out})
	return nil
}

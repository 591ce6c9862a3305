package web

import (
	"context"
	"net/http"

	"haven/media"
	"haven/portal/account"
	"haven/portal/fault"
)

// *media.Sessions is what cmd/portal wires into Deps.Video.
var _ Video = (*media.Sessions)(nil)

// Video is video sessions as the edge uses them. *media.Sessions satisfies
// it; who may start, read or enter a session is decided there (the access
// policy for ad hoc sessions, the visits package for video visits), and
// its errors (media.ErrBadGuests, media.ErrHostRole, visits.ErrRoomNotOpen,
// …) are faults shown as they are. The call itself runs over the hub's
// media.* frames.
type Video interface {
	// ICEServers returns the ICE servers for a browser (TURN credentials,
	// or none).
	ICEServers() ([]media.ICEServer, error)
	// StartAdHoc starts a session hosted by the actor with patients.
	StartAdHoc(ctx context.Context, actor account.Actor, patientIDs []int64) (media.SessionInfo, error)
	// ForVisit returns the open session of a video visit, creating it.
	ForVisit(ctx context.Context, actor account.Actor, appointmentID int64) (media.SessionInfo, error)
	// Info returns a session to one of its members.
	Info(ctx context.Context, actor account.Actor, id string) (media.SessionInfo, error)
	// Mine lists the actor's open ad hoc sessions.
	Mine(ctx context.Context, actor account.Actor) ([]media.SessionInfo, error)
}

// videoBodyLimit caps video request bodies: eleven patient ids.
const videoBodyLimit = 4 << 10

// errVideoUnavailable answers the video routes when the node has no SFU.
var errVideoUnavailable = fault.New(fault.Unavailable, "Video is not available on this server.")

// videoRoutes lists the video pages (starting a session, a session's
// page, a visit's entry) and API routes. Every API route needs a full
// session.
func (s *Server) videoRoutes() {
	for _, p := range []string{"/video", "/video/{session}", "/video/visit/{id}"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}
	s.Handle("GET /api/video/ice", s.videoAPI(s.handleVideoICE))
	s.Handle("GET /api/video/sessions", s.videoAPI(s.handleVideoMine))
	s.Handle("POST /api/video/sessions", s.videoAPI(s.handleVideoStart))
	s.Handle("GET /api/video/sessions/{id}", s.videoAPI(s.handleVideoSession))
	s.Handle("POST /api/video/visits/{id}", s.videoAPI(s.handleVideoVisit))
}

// videoAPI is authed for the video routes, answering 503 when Deps.Video
// is nil.
func (s *Server) videoAPI(h func(http.ResponseWriter, *http.Request, User, Video) error) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Video == nil {
			return errVideoUnavailable
		}
		return h(w, r, u, s.deps.Video)
	})
}

// iceJSON is the answer of GET /api/video/ice, for RTCPeerConnection's
// iceServers.
type iceJSON struct {
	ICEServers []media.ICEServer `json:"ice_servers"`
}

// handleVideoICE returns the ICE servers: short-lived TURN credentials
// when the SFU runs TURN, else an empty list.
func (s *Server) handleVideoICE(w http.ResponseWriter, _ *http.Request, _ User, v Video) error {
	servers, err := v.ICEServers()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, iceJSON{ICEServers: servers})
	return nil
}

// startVideoRequest is the body of POST /api/video/sessions.
type startVideoRequest struct {
	Patients []int64 `json:"patients"`
}

// sessionsJSON lists sessions.
type sessionsJSON struct {
	Sessions []media.SessionInfo `json:"sessions"`
}

// handleVideoStart starts an ad hoc session with the patients named.
func (s *Server) handleVideoStart(w http.ResponseWriter, r *http.Request, u User, v Video) error {
	var in startVideoRequest
	if err := decodeJSON(w, r, videoBodyLimit, &in); err != nil {
		return err
	}
	if len(in.Patients) > media.MaxGuests {
		return media.ErrBadGuests
	}
	info, err := v.StartAdHoc(r.Context(), u.Actor, in.Patients)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, info)
	return nil
}

// handleVideoMine lists the caller's open ad hoc sessions.
func (s *Server) handleVideoMine(w http.ResponseWriter, r *http.Request, u User, v Video) error {
	list, err := v.Mine(r.Context(), u.Actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sessionsJSON{Sessions: list})
	return nil
}

// handleVideoSession returns one session to a member.
func (s *Server) handleVideoSession(w http.ResponseWriter, r *http.Request, u User, v Video) error {
	info, err := v.Info(r.Context(), u.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

// handleVideoVisit returns (creating) the session of a video visit for
// its patient or clinician while its room is open.
func (s *Server) handleVideoVisit(w http.ResponseWriter, r *http.Request, u User, v Video) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	info, err := v.ForVisit(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

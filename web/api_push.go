package web

import (
	"net/http"

	"haven/portal/fault"
	"haven/push"
)

// pushBodyLimit caps push request bodies: a subscription is under 1 KiB
// (endpoints are at most 2 KiB), preferences far less.
const pushBodyLimit = 8 << 10

// errPushUnavailable answers the push routes when the node has no push
// service.
var errPushUnavailable = fault.New(fault.Unavailable, "Notifications are not available on this server.")

// pushRoutes lists the web push routes. Every one needs a full session and
// acts on the caller's own devices and preferences only.
func (s *Server) pushRoutes() {
	s.Handle("GET /api/push/key", s.pushed(s.handlePushKey))
	s.Handle("GET /api/push/subscriptions", s.pushed(s.handlePushDevices))
	s.Handle("POST /api/push/subscriptions", s.pushed(s.handlePushSubscribe))
	s.Handle("DELETE /api/push/subscriptions/{id}", s.pushed(s.handlePushUnsubscribe))
	s.Handle("GET /api/push/preferences", s.pushed(s.handlePushPreferences))
	s.Handle("PUT /api/push/preferences", s.pushed(s.handlePushSetPreferences))
}

// pushed is authed for the push routes, answering 503 when Deps.Push is nil.
func (s *Server) pushed(h func(http.ResponseWriter, *http.Request, User, Push) error) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Push == nil {
			return errPushUnavailable
		}
		return h(w, r, u, s.deps.Push)
	})
}

// handlePushKey returns the VAPID application server key for
// PushManager.subscribe.
func (s *Server) handlePushKey(w http.ResponseWriter, r *http.Request, u User, p Push) error {
	writeJSON(w, http.StatusOK, map[string]string{"key": p.PublicKey()})
	return nil
}

// subscriptionRequest is a browser's PushSubscription.toJSON() plus an
// optional device label; without one the label is made from the
// User-Agent.
type subscriptionRequest struct {
	Endpoint       string    `json:"endpoint"`
	ExpirationTime *float64  `json:"expirationTime"` // sent by browsers; not used
	Keys           push.Keys `json:"keys"`
	Label          string    `json:"label"`
}

// handlePushSubscribe stores (or refreshes) this browser's subscription and
// returns the device: 200 whether it is new or a re-sync.
func (s *Server) handlePushSubscribe(w http.ResponseWriter, r *http.Request, u User, p Push) error {
	var in subscriptionRequest
	if err := decodeJSON(w, r, pushBodyLimit, &in); err != nil {
		return err
	}
	label := in.Label
	if label == "" {
		label = deviceLabel(r.UserAgent())
	}
	d, err := p.Subscribe(r.Context(), u.ID, push.Subscription{Endpoint: in.Endpoint, Keys: in.Keys, Label: label})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// handlePushDevices lists the caller's devices, most recently seen first:
// id, label and times, never the endpoint.
func (s *Server) handlePushDevices(w http.ResponseWriter, r *http.Request, u User, p Push) error {
	list, err := p.Devices(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []push.Device{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"devices": list})
	return nil
}

// handlePushUnsubscribe forgets one of the caller's devices; 404 for an id
// that is not theirs.
func (s *Server) handlePushUnsubscribe(w http.ResponseWriter, r *http.Request, u User, p Push) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, pushBodyLimit); err != nil {
		return err
	}
	if err := p.Unsubscribe(r.Context(), u.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

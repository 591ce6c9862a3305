package web

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"haven/media"
	"haven/signaling"
)

// videoHarness is the edge with video wired as cmd/portal wires it: a real
// SFU on loopback (ephemeral UDP and TCP ports), the session layer on the
// harness's database, and the hub at /ws with the media.* handlers.
type videoHarness struct {
	*harness
	sfu      *media.SFU
	sessions *media.Sessions
	hub      *signaling.Hub
}

func newVideoHarness(t *testing.T) *videoHarness {
	t.Helper()
	h := newHarness(t)
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	sfu, err := media.NewSFU(media.Config{UDPAddr: "127.0.0.1:0", TCPAddr: "127.0.0.1:0", LoopbackOnly: true}, logger)
	if err != nil {
		t.Fatal(err)
	}
	v := &videoHarness{harness: h, sfu: sfu}
	v.hub, err = signaling.NewHub(signaling.Options{Auth: signaling.AuthenticatorFunc(v.wsIdentity), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	v.sessions, err = media.NewSessions(media.SessionsOptions{SFU: sfu, Pool: h.pool, Access: h.acct, Directory: h.acct,
		Notifier: v.hub, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	media.RegisterHandlers(v.hub, v.sessions)
	// No request has been served yet; every request that reads these is
	// ordered after this write through its connection.
	h.srv.deps.Video = v.sessions
	h.srv.Handle("GET /ws", v.hub)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := v.hub.Shutdown(ctx); err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
		if err := sfu.Close(); err != nil {
			t.Errorf("SFU close: %v", err)
		}
	})
	return v
}

// wsIdentity authenticates the WebSocket upgrade by the session cookie,
// as cmd/portal does.
func (v *videoHarness) wsIdentity(r *http.Request) (signaling.Identity, error) {
	u, err := v.srv.Authenticate(r)
	if err != nil {
		return signaling.Identity{}, err
	}
	return signaling.Identity{UserID: u.ID, Role: string(u.Role), SessionID: u.SessionID}, nil
}

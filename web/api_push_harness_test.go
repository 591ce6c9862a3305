package web

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"sync/atomic"
	"testing"

	"haven/portal/seal"
	"haven/push"
)

// pushSlot hands the edge a push.Service built after the harness has made
// the database. It is atomic because the server is already serving.
type pushSlot struct{ svc atomic.Pointer[push.Service] }

func (p *pushSlot) PublicKey() string { return p.svc.Load().PublicKey() }
func (p *pushSlot) Subscribe(ctx context.Context, userID int64, sub push.Subscription) (push.Device, error) {
	return p.svc.Load().Subscribe(ctx, userID, sub)
}
func (p *pushSlot) Unsubscribe(ctx context.Context, userID, id int64) error {
	return p.svc.Load().Unsubscribe(ctx, userID, id)
}
func (p *pushSlot) Devices(ctx context.Context, userID int64) ([]push.Device, error) {
	return p.svc.Load().Devices(ctx, userID)
}
func (p *pushSlot) Preferences(ctx context.Context, userID int64) (push.Preferences, error) {
	return p.svc.Load().Preferences(ctx, userID)
}
func (p *pushSlot) SetPreferences(ctx context.Context, userID int64, prefs push.Preferences) error {
	return p.svc.Load().SetPreferences(ctx, userID, prefs)
}

// newPushHarness is newHarness with a real push.Service (workers not
// started) on the same database, sealing its VAPID key with portal/seal.
func newPushHarness(t *testing.T) (*harness, *push.Service) {
	t.Helper()
	slot := &pushSlot{}
	h := newHarness(t, func(_ *Config, d *Deps) { d.Push = slot })
	ctx := context.Background()
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, h.pool, kek, seal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := push.New(ctx, h.pool, keys, push.Config{Subject: "mailto:test@example.org",
		Logger: slog.New(slog.NewTextHandler(h.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	slot.svc.Store(svc)
	return h, svc
}

// browserSubscription is a PushSubscription.toJSON() as a browser sends
// it, on Chrome's push service, with fresh valid keys.
func browserSubscription(t *testing.T, id string) map[string]any {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	b64 := base64.RawURLEncoding.EncodeToString
	return map[string]any{
		"endpoint":       "https://fcm.googleapis.com/fcm/send/" + id,
		"expirationTime": nil,
		"keys":           map[string]any{"p256dh": b64(k.PublicKey().Bytes()), "auth": b64(auth)},
	}
}

package push

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// maxDevices is how many subscriptions a user keeps; subscribing another
// forgets the least recently seen.
const maxDevices = 20

// maxLabelRunes bounds a device label.
const maxLabelRunes = 80

// ErrNoDevice means the user has no subscription with that id.
var ErrNoDevice = fault.New(fault.NotFound, "no such device")

// Subscription is a browser's PushSubscription as its toJSON() gives it,
// plus a label for the device list ("Firefox on Android").
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     Keys   `json:"keys"`
	Label    string `json:"label"`
}

// Keys are a subscription's keys, base64url as the browser encodes them.
type Keys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// Device is a subscription as its owner sees it. The endpoint is not shown:
// it is a capability to notify the device.
type Device struct {
	ID         int64     `json:"id"`
	Label      string    `json:"label"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

const (
	sqlSubscribe = `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, label)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
			auth = excluded.auth, label = excluded.label, last_seen_at = now()
		RETURNING id, label, created_at, last_seen_at`
	sqlPruneDevices = `DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN (
		SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY last_seen_at DESC, id DESC LIMIT $2)`
	sqlUnsubscribe = `DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2`
	sqlDevices     = `SELECT id, label, created_at, last_seen_at FROM push_subscriptions
		WHERE user_id = $1 ORDER BY last_seen_at DESC, id DESC`
	sqlTargets = `SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1 ORDER BY id`
	sqlForget  = `DELETE FROM push_subscriptions WHERE id = $1`
)

// Subscribe stores sub for userID and returns the device. Subscribing an
// endpoint again (a re-sync from the same browser) updates its keys, label
// and owner instead of adding a device. Errors: ErrUnknownPushService for an
// endpoint that is not an allow-listed https push service, ErrBadKeys for
// malformed keys.
func (s *Service) Subscribe(ctx context.Context, userID int64, sub Subscription) (Device, error) {
	if err := s.cfg.Allowlist.Check(sub.Endpoint); err != nil {
		return Device{}, err
	}
	p256dh, auth, err := decodeKeys(sub.Keys)
	if err != nil {
		return Device{}, err
	}
	d := Device{}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, sqlSubscribe, userID, sub.Endpoint, p256dh, auth, cleanLabel(sub.Label)).
			Scan(&d.ID, &d.Label, &d.CreatedAt, &d.LastSeenAt)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlPruneDevices, userID, maxDevices)
		return err
	})
	if err != nil {
		return Device{}, fmt.Errorf("push: subscribe: %w", err)
	}
	s.log.InfoContext(ctx, "push subscribed", "user_id", userID, "subscription_id", d.ID)
	return d, nil
}

// Unsubscribe deletes the user's device id; ErrNoDevice when the user has
// no such device.
func (s *Service) Unsubscribe(ctx context.Context, userID, id int64) error {
	tag, err := s.pool.Exec(ctx, sqlUnsubscribe, id, userID)
	if err != nil {
		return fmt.Errorf("push: unsubscribe: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNoDevice
	}
	s.log.InfoContext(ctx, "push unsubscribed", "user_id", userID, "subscription_id", id)
	return nil
}

// Devices lists the user's devices, most recently seen first.
func (s *Service) Devices(ctx context.Context, userID int64) ([]Device, error) {
	rows, err := s.pool.Query(ctx, sqlDevices, userID)
	if err != nil {
		return nil, fmt.Errorf("push: devices: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Device, error) {
		var d Device
		err := r.Scan(&d.ID, &d.Label, &d.CreatedAt, &d.LastSeenAt)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("push: devices: %w", err)
	}
	return out, nil
}

// cleanLabel keeps a label short and printable.
func cleanLabel(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > maxLabelRunes {
		s = string(r[:maxLabelRunes])
	}
	return s
}

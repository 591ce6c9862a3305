package push

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// sendParallel bounds the concurrent posts of one reminder.
const sendParallel = 8

const (
	// sqlClaim commits the decision to post before posting: a new pair, or
	// one whose last post asked for a retry, becomes 'attempting'; any
	// other row is left alone and nothing is posted.
	sqlClaim = `INSERT INTO push_deliveries (reminder_id, subscription_id, state) VALUES ($1, $2, 'attempting')
		ON CONFLICT (reminder_id, subscription_id) DO UPDATE
			SET state = 'attempting', attempts = push_deliveries.attempts + 1, updated_at = now()
			WHERE push_deliveries.state = 'retry'
		RETURNING attempts`
	sqlRecord = `UPDATE push_deliveries SET state = $3, status = $4, updated_at = now()
		WHERE reminder_id = $1 AND subscription_id = $2 AND state = 'attempting'`
	// sqlSettle finishes the reminder unless a device awaits a retry, and
	// returns the tally either way.
	sqlSettle = `WITH tally AS (
			SELECT count(*) FILTER (WHERE state = 'sent') AS sent, count(*) FILTER (WHERE state = 'retry') AS retry
			FROM push_deliveries WHERE reminder_id = $1),
		done AS (
			UPDATE push_reminders SET done_at = now(),
				state = CASE WHEN (SELECT sent FROM tally) > 0 THEN 'sent' ELSE 'dropped' END,
				reason = CASE WHEN (SELECT sent FROM tally) > 0 THEN NULL ELSE 'undelivered' END
			WHERE id = $1 AND state = 'scheduled' AND (SELECT retry FROM tally) = 0)
		SELECT sent, retry FROM tally`
	sqlGiveUp = `UPDATE push_deliveries SET state = 'failed', updated_at = now() WHERE reminder_id = $1 AND state = 'retry'`
)

// deliver posts r to each of the user's devices not yet done, then finishes
// r or snoozes the job until the next retry round.
func (s *Service) deliver(ctx context.Context, r reminder, now time.Time) error {
	targets, err := s.targets(ctx, r.userID)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return s.finish(ctx, r, "dropped", reasonNoDevices)
	}
	h := headers{ttl: r.relevantUntil.Sub(now), urgency: webpush.UrgencyNormal, topic: topicFor(s.topicKey, r.kind, r.ref)}
	if r.kind == KindCrisisAlert {
		h.urgency = webpush.UrgencyHigh
	}
	msg := payloadFor(r.kind, h.topic)

	var mu sync.Mutex
	var retryAfter time.Duration
	var firstErr error
	sem := make(chan struct{}, sendParallel)
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res, err := s.deliverOne(ctx, r.id, msg, t, h)
			mu.Lock()
			defer mu.Unlock()
			retryAfter = max(retryAfter, res.retryAfter)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return s.settle(ctx, r, retryAfter)
}

// settle finishes r when no device awaits a retry, and otherwise snoozes
// the job by the backoff of this round (or the push service's Retry-After,
// if longer), giving up after Config.MaxRetries rounds.
func (s *Service) settle(ctx context.Context, r reminder, retryAfter time.Duration) error {
	var sent, retry int
	if err := s.pool.QueryRow(ctx, sqlSettle, r.id).Scan(&sent, &retry); err != nil {
		return fmt.Errorf("push: settle reminder: %w", err)
	}
	if retry > 0 {
		var round int
		if err := s.pool.QueryRow(ctx, sqlReminderRetried, r.id).Scan(&round); err != nil {
			return fmt.Errorf("push: count retry: %w", err)
		}
		if round <= s.cfg.MaxRetries {
			delay := max(s.backoff(round), retryAfter)
			s.log.InfoContext(ctx, "push reminder retry", "reminder_id", r.id, "round", round, "delay", delay)
			return river.JobSnooze(delay)
		}
		if _, err := s.pool.Exec(ctx, sqlGiveUp, r.id); err != nil {
			return fmt.Errorf("push: give up: %w", err)
		}
		if sent == 0 {
			return s.finish(ctx, r, "dropped", reasonGaveUp)
		}
		return s.finish(ctx, r, "sent", reasonGaveUp)
	}
	if sent == 0 {
		s.log.InfoContext(ctx, "push reminder dropped", "reminder_id", r.id, "reason", reasonUndelivered)
	}
	return nil
}

// deliverOne claims the (reminder, device) pair, posts, and records the
// outcome. An unclaimed pair (already sent, gone, failed, or attempted by a
// run that did not record its outcome) is not posted. The error is a
// database failure; push service failures are in the result.
func (s *Service) deliverOne(ctx context.Context, reminderID int64, msg []byte, t target, h headers) (result, error) {
	var attempts int
	err := s.pool.QueryRow(ctx, sqlClaim, reminderID, t.id).Scan(&attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		return result{}, nil
	}
	if err != nil {
		return result{}, fmt.Errorf("push: claim delivery: %w", err)
	}
	res := s.sender.send(ctx, msg, t, h)

	// Record even when the job's context ended, so that a cancelled post
	// is retried rather than left 'attempting'.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var status any
	if res.status != 0 {
		status = res.status
	}
	if _, err := s.pool.Exec(rctx, sqlRecord, reminderID, t.id, res.outcome.String(), status); err != nil {
		return res, fmt.Errorf("push: record delivery: %w", err)
	}
	attrs := []any{"reminder_id", reminderID, "subscription_id", t.id, "status", res.status, "attempt", attempts}
	switch res.outcome {
	case outcomeSent:
		s.log.DebugContext(ctx, "push sent", attrs...)
	case outcomeGone:
		if _, err := s.pool.Exec(rctx, sqlForget, t.id); err != nil {
			return res, fmt.Errorf("push: forget subscription: %w", err)
		}
		s.log.InfoContext(ctx, "push subscription gone", attrs...)
	case outcomeRetry:
		s.log.InfoContext(ctx, "push will retry", append(attrs, "err", res.err)...)
	case outcomeFailed:
		s.log.WarnContext(ctx, "push refused", append(attrs, "err", res.err)...)
	}
	return res, nil
}

// targets lists the user's devices.
func (s *Service) targets(ctx context.Context, userID int64) ([]target, error) {
	rows, err := s.pool.Query(ctx, sqlTargets, userID)
	if err != nil {
		return nil, fmt.Errorf("push: devices: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (target, error) {
		var t target
		var p256dh, auth []byte
		err := r.Scan(&t.id, &t.endpoint, &p256dh, &auth)
		t.p256dh = base64.RawURLEncoding.EncodeToString(p256dh)
		t.auth = base64.RawURLEncoding.EncodeToString(auth)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("push: devices: %w", err)
	}
	return out, nil
}

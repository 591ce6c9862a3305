package crisis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// sqlNextDue locks the most overdue escalation no other node holds.
	sqlNextDue = `SELECT id FROM crisis_escalations WHERE due_at <= now()
		ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
	sqlLockRaised = `SELECT id FROM crisis_escalations WHERE id = $1 AND state = 'raised'
		FOR UPDATE SKIP LOCKED`
	// sqlTxLease makes PostgreSQL end this session if it sits idle in the
	// transaction longer than the lease: a hung node releases its row.
	sqlTxLease      = `SELECT set_config('idle_in_transaction_session_timeout', $1, true)`
	sqlInsertOffers = `INSERT INTO crisis_offers (escalation_id, user_id, tier)
		SELECT $1, u, $3 FROM unnest($2::bigint[]) AS u ON CONFLICT DO NOTHING`
	sqlOfferHolders = `SELECT user_id FROM crisis_offers WHERE escalation_id = $1 ORDER BY user_id`
	sqlMove         = `UPDATE crisis_escalations SET state = $2, tier = $3,
		due_at = now() + $4 * interval '1 millisecond', offered_at = coalesce(offered_at, now())
		WHERE id = $1`
	sqlClearDue = `UPDATE crisis_escalations SET due_at = NULL WHERE id = $1`
)

// move is what the driver does with a due escalation.
type move struct {
	kind string // "offered", "rerouted", "expired", "alerted"
	to   State
	tier int
}

// nextMove decides the transition of a due escalation; ok is false for a
// state that should not be due (it is then cleared).
func nextMove(e Escalation) (m move, ok bool) {
	switch {
	case e.State == Raised:
		return move{"offered", Offered, 1}, true
	case (e.State == Offered || e.State == Rerouted) && e.Tier < 3:
		return move{"rerouted", Rerouted, e.Tier + 1}, true
	case e.State == Offered || e.State == Rerouted:
		return move{"expired", Expired, 3}, true
	case e.State == Expired:
		return move{"alerted", Expired, 3}, true
	}
	return move{}, false
}

// Offer offers a raised escalation to every on-call counselor now, if no
// node has done so yet; call it after committing Raise. It is a no-op for
// an escalation already offered or being offered by another node.
func (s *Service) Offer(ctx context.Context, id int64) error {
	_, err := s.step(ctx, id)
	return err
}

// step runs one due transition in its own transaction: the most overdue
// escalation (only == 0) or the raised escalation only. It reports whether
// it found one.
//
// Offers are published before the commit, while the row is locked, so a
// node that dies at any point either committed after notifying or leaves
// the row due for another node: offers are delivered at least once, never
// lost (clients dedupe by escalation id). A claim waits for the commit.
func (s *Service) step(ctx context.Context, only int64) (bool, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("crisis: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	lease := strconv.FormatInt((s.cfg.NotifyTimeout + 3*time.Second).Milliseconds(), 10)
	if _, err := tx.Exec(ctx, sqlTxLease, lease); err != nil {
		return false, fmt.Errorf("crisis: lease: %w", err)
	}
	var id int64
	if only != 0 {
		err = tx.QueryRow(ctx, sqlLockRaised, only).Scan(&id)
	} else {
		err = tx.QueryRow(ctx, sqlNextDue).Scan(&id)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("crisis: next due: %w", err)
	}
	e, err := load(ctx, tx, id, false)
	if err != nil {
		return false, err
	}
	m, ok := nextMove(e)
	if !ok {
		if _, err := tx.Exec(ctx, sqlClearDue, id); err != nil {
			return false, fmt.Errorf("crisis: clear due: %w", err)
		}
		return true, tx.Commit(ctx)
	}
	if err := s.apply(ctx, tx, e, m); err != nil {
		return false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("crisis: commit %s: %w", m.kind, err)
	}
	s.log.InfoContext(ctx, "crisis "+m.kind, "escalation_id", e.ID, "tier", m.tier)
	return true, nil
}

// apply writes a driver transition in tx and announces it.
func (s *Service) apply(ctx context.Context, tx pgx.Tx, e Escalation, m move) error {
	rcpt, err := s.recipients(ctx, tx, m.tier, e.PatientID)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, sqlInsertOffers, e.ID, rcpt, m.tier); err != nil {
		return fmt.Errorf("crisis: offers: %w", err)
	}
	holders, err := offerHolders(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	wait := s.deadline(m.tier)
	if len(rcpt) == 0 && m.tier < 3 {
		wait = 0 // nobody at this tier: go to the next one at once
	}
	if _, err := tx.Exec(ctx, sqlMove, e.ID, string(m.to), m.tier, wait.Milliseconds()); err != nil {
		return fmt.Errorf("crisis: %s: %w", m.kind, err)
	}
	n := len(holders)
	err = s.record(ctx, tx, e, transition{kind: m.kind, from: e.State, to: m.to, tier: m.tier,
		deadline: e.DueAt, recipients: &n})
	if err != nil {
		return err
	}
	s.enqueuePush(ctx, tx, e.ID, holders)
	s.announce(ctx, e, m, holders)
	return nil
}

// enqueuePush enqueues the push alerts in tx, under a savepoint: a push
// failure is logged and never blocks the offer itself.
func (s *Service) enqueuePush(ctx context.Context, tx pgx.Tx, id int64, holders []int64) {
	if len(holders) == 0 {
		return
	}
	err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
		return s.d.Pusher.CrisisAlertTx(ctx, sp, holders, id)
	})
	if err != nil {
		s.log.WarnContext(ctx, "crisis push not enqueued", "escalation_id", id, "err", err)
	}
}

// announce publishes the offer to every holder, and tells the patient when the state changed: alerted on the first offer,
// call 988 when nobody is on call or nobody answered in time. All of it within one NotifyTimeout,
// well inside the transaction's lease.
func (s *Service) announce(ctx context.Context, e Escalation, m move, holders []int64) {
	offer := hubEvent(EventOffer, OfferData{EscalationID: e.ID, Tier: m.tier})
	ds := make([]delivery, 0, len(holders)+1)
	for _, u := range holders {
		ds = append(ds, delivery{u, offer})
	}
	status := ""
	switch {
	case m.kind == "offered" && len(holders) > 0:
		status = StatusAlerted
	case m.kind == "offered", m.kind == "rerouted", m.kind == "expired":
		status = StatusCall988 // nobody on call, or nobody answered in time
	}
	if status != "" {
		ds = append(ds, delivery{e.PatientID, hubEvent(EventStatus, StatusData{EscalationID: e.ID, Status: status})})
	}
	s.fanOut(ctx, e.ID, ds)
}

func offerHolders(ctx context.Context, db Querier, id int64) ([]int64, error) {
	rows, err := db.Query(ctx, sqlOfferHolders, id)
	if err != nil {
		return nil, fmt.Errorf("crisis: offer holders: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("crisis: offer holders: %w", err)
	}
	return ids, nil
}

package push

import (
	"cmp"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
)

// BenchOptions size Bench; zero fields take the defaults shown.
type BenchOptions struct {
	Pushes      int // posts for the throughput figure (2000)
	Concurrency int // concurrent posts in that phase (32)
	Reminders   int // reminders due at once (10000)
	Users       int // users they are spread over, one device each (1000)
	Workers     int // reminder jobs run at once (100)
}

// benchQueue keeps the benchmark's jobs apart from real reminders.
const benchQueue = "push_bench"

// benchHost is the receiver's name; the test certificate covers *.example.com.
const benchHost = "push.example.com"

// Bench measures web push against a local TLS receiver that checks each
// request lightly (aes128gcm, a VAPID header, TTL, size) and answers 201:
// posts per second through the sender (encryption, VAPID signing, TLS),
// then the lateness (due → sent) of opts.Reminders reminders that all fall
// due at the same instant, worked by one node. It writes figures to out.
// It adds bench users (push-bench-…@bench.invalid) and deletes them, with
// their reminders, at the end; its jobs use their own River queue. Run it
// on a scratch database.
func Bench(ctx context.Context, pool *pgxpool.Pool, sealer Sealer, out io.Writer, opts BenchOptions) error {
	opts.Pushes = cmp.Or(opts.Pushes, 2000)
	opts.Concurrency = cmp.Or(opts.Concurrency, 32)
	opts.Reminders = cmp.Or(opts.Reminders, 10000)
	opts.Users = cmp.Or(opts.Users, 1000)
	opts.Workers = cmp.Or(opts.Workers, 100)

	// The caller's pool may be small (pgxpool defaults to 4 connections
	// on 2 cores); the figures are for a node sized for its workers.
	pcfg := pool.Config()
	pcfg.MaxConns = int32(max(8, opts.Workers/5))
	own, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("push bench: pool: %w", err)
	}
	defer own.Close()
	pool = own
	fmt.Fprintf(out, "database pool: %d connections\n", pcfg.MaxConns)

	recv := newBenchReceiver()
	defer recv.srv.Close()
	s, err := newService(ctx, pool, sealer, Config{
		Subject:      "mailto:bench@haven.invalid",
		Allowlist:    Allowlist{benchHost},
		HTTPClient:   recv.client(),
		Logger:       slog.New(slog.DiscardHandler),
		Workers:      opts.Workers,
		PollInterval: 100 * time.Millisecond,
	}, benchQueue)
	if err != nil {
		return err
	}
	if err := benchPushes(ctx, s, recv, out, opts); err != nil {
		return err
	}
	return benchReminders(ctx, s, recv, out, opts)
}

// benchPushes posts opts.Pushes notifications, opts.Concurrency at a time.
func benchPushes(ctx context.Context, s *Service, recv *benchReceiver, out io.Writer, opts BenchOptions) error {
	devices := make([]target, 64)
	for i := range devices {
		t, err := benchTarget(fmt.Sprintf("direct/%d", i))
		if err != nil {
			return err
		}
		devices[i] = t
	}
	msg := payloadFor(KindMessage, "m-bench")
	var next, failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range opts.Concurrency {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(opts.Pushes); i = next.Add(1) {
				res := s.sender.send(ctx, msg, devices[i%int64(len(devices))], headers{ttl: time.Hour, urgency: webpush.UrgencyNormal, topic: "m-bench"})
				if res.outcome != outcomeSent {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Fprintf(out, "push bench: %d posts to a local TLS receiver, %d concurrent, record size %d\n", opts.Pushes, opts.Concurrency, recordSize)
	fmt.Fprintf(out, "  %.0f pushes/s (%v, %d failed, %d accepted by the receiver)\n",
		float64(opts.Pushes)/el.Seconds(), el.Round(time.Millisecond), failed.Load(), recv.accepted.Load())
	if failed.Load() > 0 {
		return fmt.Errorf("push bench: %d posts failed", failed.Load())
	}
	return nil
}

const (
	sqlBenchUsers = `INSERT INTO users (email, display_name, role)
		SELECT 'push-bench-' || $1 || '-' || g || '@bench.invalid', 'Push bench', 'patient' FROM generate_series(1, $2) g
		RETURNING id`
	sqlBenchSubscribe = `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, label)
		SELECT u, e, p, a, 'bench' FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[]) AS x(u, e, p, a)`
	sqlBenchReminders = `INSERT INTO push_reminders (user_id, kind, ref, due_at, relevant_until)
		SELECT ($1::bigint[])[1 + (g - 1) % array_length($1::bigint[], 1)], 'questionnaire', g, now(), now() + interval '1 day'
		FROM generate_series(1, $2) g RETURNING id`
	sqlBenchDue     = `UPDATE push_reminders SET due_at = clock_timestamp() WHERE user_id = ANY($1)`
	sqlBenchPending = `SELECT count(*) FROM push_reminders WHERE user_id = ANY($1) AND state = 'scheduled'`
	sqlBenchLate    = `SELECT count(*),
			coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.updated_at - r.due_at)), 0),
			coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.updated_at - r.due_at)), 0),
			coalesce(max(extract(epoch FROM d.updated_at - r.due_at)), 0),
			coalesce(extract(epoch FROM max(d.updated_at) - min(r.due_at)), 0)
		FROM push_deliveries d JOIN push_reminders r ON r.id = d.reminder_id
		WHERE r.user_id = ANY($1) AND d.state = 'sent'`
	sqlBenchCleanup = `DELETE FROM users WHERE id = ANY($1)`
)

// benchReminders makes opts.Reminders reminders due at one instant and
// measures how late one node delivers them.
func benchReminders(ctx context.Context, s *Service, recv *benchReceiver, out io.Writer, opts BenchOptions) (err error) {
	tag := randomTag()
	var users []int64
	rows, err := s.pool.Query(ctx, sqlBenchUsers, tag, opts.Users)
	if err == nil {
		users, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	if err != nil {
		return fmt.Errorf("push bench: users: %w", err)
	}
	defer func() {
		if _, cerr := s.pool.Exec(context.WithoutCancel(ctx), sqlBenchCleanup, users); cerr != nil && err == nil {
			err = fmt.Errorf("push bench: cleanup: %w", cerr)
		}
	}()
	if err := benchSubscribe(ctx, s.pool, users, tag); err != nil {
		return err
	}
	if err := benchEnqueue(ctx, s, users, opts.Reminders); err != nil {
		return err
	}
	// Everything falls due now; the workers start right after.
	if _, err := s.pool.Exec(ctx, sqlBenchDue, users); err != nil {
		return fmt.Errorf("push bench: due: %w", err)
	}
	before := recv.accepted.Load()
	start := time.Now()
	if err := s.Start(ctx); err != nil {
		return err
	}
	defer s.Stop(context.WithoutCancel(ctx))
	for {
		var pending int
		if err := s.pool.QueryRow(ctx, sqlBenchPending, users).Scan(&pending); err != nil {
			return fmt.Errorf("push bench: progress: %w", err)
		}
		if pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	el := time.Since(start)
	var sent int
	var p50, p99, worst, span float64
	if err := s.pool.QueryRow(ctx, sqlBenchLate, users).Scan(&sent, &p50, &p99, &worst, &span); err != nil {
		return fmt.Errorf("push bench: lateness: %w", err)
	}
	fmt.Fprintf(out, "reminders: %d due at the same instant, %d users with one device each, %d workers on one node\n",
		opts.Reminders, opts.Users, opts.Workers)
	fmt.Fprintf(out, "  delivered %d (receiver accepted %d) in %v: %.0f reminders/s\n",
		sent, recv.accepted.Load()-before, el.Round(time.Millisecond), float64(sent)/span)
	fmt.Fprintf(out, "  lateness due→sent: p50 %.2fs, p99 %.2fs, max %.2fs\n", p50, p99, worst)
	if sent != opts.Reminders {
		return fmt.Errorf("push bench: %d of %d reminders delivered", sent, opts.Reminders)
	}
	return nil
}

// benchSubscribe gives each user one device on the receiver.
func benchSubscribe(ctx context.Context, pool *pgxpool.Pool, users []int64, tag string) error {
	endpoints := make([]string, len(users))
	p256dh := make([][]byte, len(users))
	auth := make([][]byte, len(users))
	for i := range users {
		priv, err := ecdh.P256().GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		endpoints[i] = fmt.Sprintf("https://%s/bench/%s/%d", benchHost, tag, i)
		p256dh[i] = priv.PublicKey().Bytes()
		auth[i] = make([]byte, 16)
		rand.Read(auth[i])
	}
	if _, err := pool.Exec(ctx, sqlBenchSubscribe, users, endpoints, p256dh, auth); err != nil {
		return fmt.Errorf("push bench: subscribe: %w", err)
	}
	return nil
}

// benchEnqueue inserts n reminders over users and their jobs in one transaction.
func benchEnqueue(ctx context.Context, s *Service, users []int64, n int) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlBenchReminders, users, n)
		if err != nil {
			return fmt.Errorf("push bench: reminders: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("push bench: reminders: %w", err)
		}
		params := make([]river.InsertManyParams, len(ids))
		for i, id := range ids {
			params[i] = river.InsertManyParams{Args: reminderArgs{Reminder: id}, InsertOpts: &river.InsertOpts{Queue: s.queue, Priority: 3}}
		}
		if _, err := s.river.InsertManyFastTx(ctx, tx, params); err != nil {
			return fmt.Errorf("push bench: jobs: %w", err)
		}
		return nil
	})
}

// benchTarget is a device on the receiver that nobody decrypts for.
func benchTarget(path string) (target, error) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return target{}, err
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return target{
		endpoint: "https://" + benchHost + "/" + path,
		p256dh:   base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		auth:     base64.RawURLEncoding.EncodeToString(auth),
	}, nil
}

// benchReceiver is a local push service on TLS.
type benchReceiver struct {
	srv      *httptest.Server
	accepted atomic.Int64
}

func newBenchReceiver() *benchReceiver {
	r := &benchReceiver{}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	r.srv.StartTLS()
	return r
}

func (r *benchReceiver) serve(w http.ResponseWriter, req *http.Request) {
	n, _ := io.Copy(io.Discard, io.LimitReader(req.Body, 8192))
	if req.Method != http.MethodPost || req.Header.Get("Content-Encoding") != "aes128gcm" || req.Header.Get("TTL") == "" ||
		!strings.HasPrefix(req.Header.Get("Authorization"), "vapid t=") || n < 103 || n > 4096 {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.accepted.Add(1)
	w.WriteHeader(http.StatusCreated)
}

// client reaches the receiver for benchHost, verifying its certificate.
func (r *benchReceiver) client() *http.Client {
	tr := r.srv.Client().Transport.(*http.Transport).Clone()
	addr := r.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// randomTag names one bench run.
func randomTag() string {
	b := make([]byte, 6)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

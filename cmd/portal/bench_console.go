package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"haven/signaling/wsclient"
	"haven/web"
)

// consoleOptions tune the console phase of `portal bench crisis --console`.
type consoleOptions struct {
	Presses    int           // crisis-button presses, each by its own patient
	Spread     time.Duration // the presses are spread evenly over this
	Rate       float64       // background chat messages per second offered, in total
	Pairs      int           // patient–clinician pairs carrying the background chat
	Counselors int           // on-call counselors connected over /ws
	WarmUp     time.Duration // background chat runs this long before the first press
}

// consoleFlags registers the console phase's flags; console says whether
// to run it instead of the re-route bench.
func consoleFlags(fs *flag.FlagSet, console *bool, o *consoleOptions) {
	fs.BoolVar(console, "console", false, "measure crisis button → counselor's socket through a running node under chat load")
	fs.IntVar(&o.Presses, "presses", 100, "with --console: crisis-button presses, each by its own patient")
	fs.DurationVar(&o.Spread, "spread", 20*time.Second, "with --console: the presses are spread over this")
	fs.Float64Var(&o.Rate, "rate", 1000, "with --console: background chat messages per second")
	fs.IntVar(&o.Pairs, "pairs", 100, "with --console: patient–clinician pairs carrying the chat load")
	fs.IntVar(&o.Counselors, "counselors", 2, "with --console: on-call counselors on /ws")
	fs.DurationVar(&o.WarmUp, "warmup", 2*time.Second, "with --console: chat load before the first press")
}

// benchConsole measures the crisis path as a counselor sees it: a real
// node (serve, with its background work) on c's scratch database, on-call
// counselors connected over /ws, background chat between patient–clinician
// pairs over WebSocket, and crisis-button presses over HTTP, each by its own
// patient, spread over time. It prints press → POST answered and press →
// offer read on the counselors' sockets (p50/p99/max), how many offers
// arrived, and the background message rate achieved while pressing. Each
// escalation is claimed by one counselor as soon as it is offered and then
// resolved, so nothing waits unclaimed long enough to re-route.
func benchConsole(ctx context.Context, c *core, stdout io.Writer, o consoleOptions) error {
	if o.Presses <= 0 || o.Pairs <= 0 || o.Counselors <= 0 || o.Rate <= 0 || o.Spread <= 0 {
		return errors.New("bench crisis --console: presses, pairs, counselors, rate and spread must be positive")
	}
	if perSocket := o.Rate / float64(2*o.Pairs); perSocket > 20 {
		return fmt.Errorf("bench crisis --console: %.0f msg/s per socket is too close to the hub's limit of 30 frames/s; use more --pairs", perSocket)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	base, served, err := consoleServe(ctx, c)
	if err != nil {
		return err
	}
	defer func() { stop(); <-served }()

	b := &consoleBench{o: o, c: c, base: base, first: map[int64]time.Time{}, every: map[int64]map[int]time.Time{},
		pressed: map[int64]time.Time{}, http: &http.Client{Timeout: 30 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	defer b.closeAll()
	if err := b.setUp(ctx); err != nil {
		return err
	}
	load := b.load
	b.startLoad(ctx)
	time.Sleep(o.WarmUp)
	a0, d0, t0 := load.acked.Load(), load.delivered.Load(), time.Now()
	b.pressAll(ctx)
	a1, d1, t1 := load.acked.Load(), load.delivered.Load(), time.Now()
	b.waitOffers(ctx, 10*time.Second)
	load.stop()
	b.claims.Wait()
	b.report(stdout, load, float64(a1-a0)/t1.Sub(t0).Seconds(), float64(d1-d0)/t1.Sub(t0).Seconds())
	return nil
}

// consoleServe runs serve on c on a loopback port until ctx ends and
// returns its base URL once it answers /readyz; served is closed when
// serve has returned.
func consoleServe(ctx context.Context, c *core) (base string, served chan struct{}, err error) {
	c.cfg.Listen = "127.0.0.1:0"
	c.cfg.PublicURL, c.cfg.publicDerived = &url.URL{Scheme: "http", Host: "127.0.0.1:0"}, true
	built := make(chan string, 1)
	served = make(chan struct{})
	var serveErr error
	go func() {
		defer close(served)
		serveErr = serve(ctx, c, io.Discard, func(context.Context, *node) error {
			built <- c.cfg.PublicURL.String()
			return nil
		})
	}()
	select {
	case base = <-built:
	case <-served:
		return "", nil, fmt.Errorf("bench crisis --console: node did not start: %w", serveErr)
	}
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, served, nil
			}
		}
		select {
		case <-served:
			return "", nil, fmt.Errorf("bench crisis --console: node stopped: %w", serveErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// consoleBench is one run of the console phase.
type consoleBench struct {
	o    consoleOptions
	c    *core
	base string
	http *http.Client

	counselors []consoleUser // on call, each with a socket
	pressers   []consoleUser // one patient per press
	pairs      []consolePair
	load       *consoleLoad

	mu      sync.Mutex
	sockets []*wsclient.Client
	pressed map[int64]time.Time         // escalation → when its press was sent
	answer  []time.Duration             // press sent → POST answered
	first   map[int64]time.Time         // escalation → first offer read on any counselor socket
	every   map[int64]map[int]time.Time // escalation → counselor → when its socket first read the offer
	failed  []string                    // presses that did not get 201
	claims  sync.WaitGroup
	claimed atomic.Int64
	refused atomic.Int64 // claims or resolutions that failed
}

// consoleUser is a bench user with a session cookie.
type consoleUser struct {
	id     int64
	cookie string
}

// consolePair is a patient and clinician chatting in their direct conversation.
type consolePair struct {
	patient, clinician consoleUser
	conv               int64
	ps, cs             *wsclient.Client
}

// sqlConsoleUsers inserts $3 users of role $2 and returns their ids.
const sqlConsoleUsers = `INSERT INTO users (email, display_name, role)
	SELECT 'bench-' || $1 || '-' || $2 || '-' || g || '@bench.invalid', 'Bench ' || g, $2
	FROM generate_series(1, $3::int) AS g ORDER BY g RETURNING id`

// users inserts n users of role with bench sessions.
func (b *consoleBench) users(ctx context.Context, role string, n int) ([]consoleUser, error) {
	tag := make([]byte, 4)
	rand.Read(tag)
	rows, err := b.c.pool.Query(ctx, sqlConsoleUsers, hex.EncodeToString(tag), role, n)
	if err != nil {
		return nil, fmt.Errorf("bench users: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("bench users: %w", err)
	}
	out := make([]consoleUser, len(ids))
	for i, id := range ids {
		token, err := b.c.accounts.BenchSession(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i] = consoleUser{id: id, cookie: web.SessionCookie + "=" + token}
	}
	return out, nil
}

// setUp creates the users, puts the counselors on call with their sockets
// open, and opens each pair's sockets and direct conversation.
func (b *consoleBench) setUp(ctx context.Context) error {
	var err error
	if b.counselors, err = b.users(ctx, "counselor", b.o.Counselors); err != nil {
		return err
	}
	if b.pressers, err = b.users(ctx, "patient", b.o.Presses); err != nil {
		return err
	}
	patients, err := b.users(ctx, "patient", b.o.Pairs)
	if err != nil {
		return err
	}
	clinicians, err := b.users(ctx, "clinician", b.o.Pairs)
	if err != nil {
		return err
	}
	pids, cids := make([]int64, b.o.Pairs), make([]int64, b.o.Pairs)
	for i := range b.o.Pairs {
		pids[i], cids[i] = patients[i].id, clinicians[i].id
	}
	if _, err := b.c.pool.Exec(ctx, `INSERT INTO care_team_members (patient_id, clinician_id)
		SELECT * FROM unnest($1::bigint[], $2::bigint[])`, pids, cids); err != nil {
		return fmt.Errorf("bench care teams: %w", err)
	}
	for i, u := range b.counselors {
		if code, body, err := b.call(ctx, "PUT", "/api/crisis/oncall", u, `{"switch":"on"}`); err != nil || code != http.StatusOK {
			return fmt.Errorf("bench: counselor on call: %d %s %v", code, body, err)
		}
		if _, err := b.dial(ctx, u, b.offerReader(i, u)); err != nil {
			return err
		}
	}
	b.load = &consoleLoad{}
	for i := range b.o.Pairs {
		p := consolePair{patient: patients[i], clinician: clinicians[i]}
		if p.ps, err = b.dial(ctx, p.patient, b.load.receiver("c-")); err != nil {
			return err
		}
		if p.cs, err = b.dial(ctx, p.clinician, b.load.receiver("p-")); err != nil {
			return err
		}
		f, err := p.ps.Request(ctx, "chat.open", map[string]any{"kind": "direct", "clinician": p.clinician.id})
		if err != nil {
			return fmt.Errorf("bench: open a conversation: %w", err)
		}
		var r struct {
			Conversation int64 `json:"conversation"`
		}
		if err := json.Unmarshal(f.Data, &r); err != nil || r.Conversation == 0 {
			return fmt.Errorf("bench: open a conversation: answer %s", f.Data)
		}
		p.conv = r.Conversation
		b.pairs = append(b.pairs, p)
	}
	return nil
}

// offerReader records, on counselor i's socket, when each offer was read,
// and claims (then resolves) the escalations that fall to counselor i.
func (b *consoleBench) offerReader(i int, u consoleUser) func(wsclient.Frame, time.Time) {
	return func(f wsclient.Frame, at time.Time) {
		if f.Type != "crisis.offer" {
			return
		}
		var d struct {
			EscalationID int64 `json:"escalation_id"`
		}
		if json.Unmarshal(f.Data, &d) != nil || d.EscalationID == 0 {
			return
		}
		b.mu.Lock()
		if _, ok := b.first[d.EscalationID]; !ok {
			b.first[d.EscalationID] = at
		}
		if b.every[d.EscalationID] == nil {
			b.every[d.EscalationID] = map[int]time.Time{}
		}
		seen := b.every[d.EscalationID]
		mine := len(seen) == 0 // the first socket to read it claims it
		if _, again := seen[i]; !again {
			seen[i] = at // offers are delivered at least once: count each socket once
		}
		b.mu.Unlock()
		if mine {
			b.claims.Add(1)
			go b.claimAndResolve(u, d.EscalationID)
		}
	}
}

// claimAndResolve takes an escalation and closes it, as a counselor would
// after talking with the patient, so none is left waiting to re-route.
func (b *consoleBench) claimAndResolve(u consoleUser, id int64) {
	defer b.claims.Done()
	ctx := context.Background()
	path := "/api/crisis/" + strconv.FormatInt(id, 10)
	code, _, err := b.call(ctx, "POST", path+"/claim", u, "")
	if err != nil || code != http.StatusOK {
		b.refused.Add(1)
		return
	}
	code, _, err = b.call(ctx, "POST", path+"/resolve", u, `{"disposition":"not_a_crisis"}`)
	if err != nil || code != http.StatusOK {
		b.refused.Add(1)
		return
	}
	b.claimed.Add(1)
}

// call makes a same-origin API request as u.
func (b *consoleBench) call(ctx context.Context, method, path string, u consoleUser, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Cookie", u.cookie)
	req.Header.Set("Origin", b.base)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(out), nil
}

// dial opens /ws as u, says hello, and hands every later frame without a
// waiting request to onFrame.
func (b *consoleBench) dial(ctx context.Context, u consoleUser, onFrame func(wsclient.Frame, time.Time)) (*wsclient.Client, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, _, err := wsclient.Dial(dctx, "ws"+strings.TrimPrefix(b.base, "http")+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Cookie": {u.cookie}, "Origin": {b.base}}})
	if err != nil {
		return nil, fmt.Errorf("bench: open /ws: %w", err)
	}
	s.OnFrame(onFrame)
	b.mu.Lock()
	b.sockets = append(b.sockets, s)
	b.mu.Unlock()
	if _, err := s.Request(dctx, "hello", map[string]any{"protocol": 1}); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return s, nil
}

// closeAll closes every socket the bench opened.
func (b *consoleBench) closeAll() {
	b.mu.Lock()
	all := b.sockets
	b.mu.Unlock()
	for _, s := range all {
		s.Close()
	}
}

// pressAll presses the crisis button once per presser, evenly over Spread,
// without letting a slow answer hold the schedule.
func (b *consoleBench) pressAll(ctx context.Context) {
	gap := b.o.Spread / time.Duration(b.o.Presses)
	var wg sync.WaitGroup
	next := time.Now()
	for _, u := range b.pressers {
		time.Sleep(time.Until(next))
		next = next.Add(gap)
		wg.Go(func() {
			start := time.Now()
			code, body, err := b.call(ctx, "POST", "/api/crisis", u, "")
			took := time.Since(start)
			var r struct {
				EscalationID int64 `json:"escalation_id"`
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			if err != nil || code != http.StatusCreated || json.Unmarshal([]byte(body), &r) != nil || r.EscalationID == 0 {
				b.failed = append(b.failed, fmt.Sprintf("%d %v", code, err))
				return
			}
			b.pressed[r.EscalationID] = start
			b.answer = append(b.answer, took)
		})
	}
	wg.Wait()
}

// waitOffers waits until every pressed escalation was read on every
// counselor's socket, or until within has passed.
func (b *consoleBench) waitOffers(ctx context.Context, within time.Duration) {
	end := time.Now().Add(within)
	for time.Now().Before(end) && ctx.Err() == nil {
		b.mu.Lock()
		done := true
		for id := range b.pressed {
			done = done && len(b.every[id]) >= len(b.counselors)
		}
		b.mu.Unlock()
		if done {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// report prints the figures.
func (b *consoleBench) report(out io.Writer, load *consoleLoad, acked, delivered float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var first, every []time.Duration
	reached := 0
	for id, start := range b.pressed {
		if t, ok := b.first[id]; ok {
			first = append(first, t.Sub(start))
			reached++
		}
		for _, t := range b.every[id] {
			every = append(every, t.Sub(start))
		}
	}
	fmt.Fprintf(out, "crisis console bench: %d presses over %v (each its own patient), %d on-call counselors on /ws, "+
		"background chat %.0f msg/s offered by %d pairs (%d sockets)\n",
		b.o.Presses, b.o.Spread, len(b.counselors), b.o.Rate, len(b.pairs), 2*len(b.pairs))
	lat := load.latency()
	fmt.Fprintf(out, "background chat while pressing: %.0f msg/s acknowledged, %.0f msg/s delivered to the other side; "+
		"send→delivery p50 %v p99 %v; %d sends failed\n",
		acked, delivered, pct(lat, 50), pct(lat, 99), load.failed.Load())
	line := func(name string, ds []time.Duration) {
		fmt.Fprintf(out, "%-44s n=%-4d p50 %-9v p99 %-9v max %v\n", name, len(ds), pct(ds, 50), pct(ds, 99), pct(ds, 100))
	}
	line("press → POST /api/crisis answered (201)", b.answer)
	line("press → offer read on first counselor socket", first)
	line("press → offer read on each counselor socket", every)
	fmt.Fprintf(out, "offers received: %d/%d presses reached a counselor (%d/%d socket deliveries); "+
		"%d presses failed; %d claimed and resolved, %d claims refused\n",
		reached, b.o.Presses, len(every), len(b.pressed)*len(b.counselors), len(b.failed), b.claimed.Load(), b.refused.Load())
	if len(b.failed) > 0 {
		fmt.Fprintf(out, "first failed press: %s\n", b.failed[0])
	}
}

// consoleLoad is the background chat: every pair's patient and clinician
// send to each other at a fixed pace; acknowledgements and deliveries to
// the other side are counted, and send → delivery timed.
type consoleLoad struct {
	acked, delivered, failed atomic.Int64
	sentAt                   sync.Map // client id → when it was sent

	mu      sync.Mutex
	times   []time.Duration // send → delivery to the other side
	cancel  context.CancelFunc
	senders sync.WaitGroup
}

// receiver counts, on one socket, the answers to its sends and the
// messages from the other side (client ids starting with from).
func (l *consoleLoad) receiver(from string) func(wsclient.Frame, time.Time) {
	return func(f wsclient.Frame, at time.Time) {
		switch f.Type {
		case "chat.send.ok":
			l.acked.Add(1)
		case "error":
			l.failed.Add(1)
		case "chat.message":
			var m struct {
				ClientID string `json:"client_id"`
			}
			if json.Unmarshal(f.Data, &m) != nil || !strings.HasPrefix(m.ClientID, from) {
				return
			}
			if t, ok := l.sentAt.LoadAndDelete(m.ClientID); ok {
				l.delivered.Add(1)
				l.mu.Lock()
				l.times = append(l.times, at.Sub(t.(time.Time)))
				l.mu.Unlock()
			}
		}
	}
}

// latency returns the send → delivery times so far.
func (l *consoleLoad) latency() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.times...)
}

// stop ends the sending and waits for the senders.
func (l *consoleLoad) stop() {
	l.cancel()
	l.senders.Wait()
}

// startLoad starts one sender per socket of every pair, each at
// Rate / (2 × Pairs) messages per second, their ticks spread over the
// interval. Sends do not wait for their answers.
func (b *consoleBench) startLoad(ctx context.Context) {
	l := b.load
	ctx, l.cancel = context.WithCancel(ctx)
	senders := 2 * len(b.pairs)
	interval := time.Duration(float64(senders) / b.o.Rate * float64(time.Second))
	for i, p := range b.pairs {
		for side, s := range map[string]*wsclient.Client{"p-": p.ps, "c-": p.cs} {
			k := 2 * i
			if side == "c-" {
				k++
			}
			l.senders.Go(func() {
				next := time.Now().Add(interval * time.Duration(k) / time.Duration(senders))
				for n := 0; ; n++ {
					select {
					case <-ctx.Done():
						return
					case <-time.After(time.Until(next)):
					}
					next = next.Add(interval)
					id := side + strconv.Itoa(i) + "-" + strconv.Itoa(n)
					l.sentAt.Store(id, time.Now())
					err := s.Send(ctx, "chat.send", id, map[string]any{"conversation": p.conv, "client_id": id,
						"body": "bench message " + id})
					if err != nil {
						l.sentAt.Delete(id)
						if ctx.Err() == nil {
							l.failed.Add(1)
						}
					}
				}
			})
		}
	}
}

package chatbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"haven/signaling/wsclient"
)

// Bench measures, against a running server (see BenchOptions):
//
//  1. connections held: opens Conns authenticated connections (each says
//     hello), and reports the server's resident memory per connection (RSS
//     delta / Conns, of ServerPIDs, or of this process);
//  2. sustained durable messages on one node: Pairs patients each send to
//     their clinician over a direct conversation, Rate messages per second
//     in total for Duration, and it reports messages delivered per second
//     and send-to-delivery latency p50/p99 (send written → chat.message
//     read by the clinician's connection), and the ack latency;
//  3. the same across two nodes (when Nodes is 2): the clinicians' second
//     connections are on node 1, so every message crosses Redis.
//
// It writes a plain-text report to out and returns the first setup error.
// Users are created with SQL and left in the database.
func Bench(ctx context.Context, out io.Writer, opts BenchOptions) error {
	o, err := opts.withDefaults()
	if err != nil {
		return err
	}
	where := fmt.Sprintf("server process(es) %v", o.ServerPIDs)
	if len(o.ServerPIDs) == 0 {
		where = "this process (server and clients together: memory includes the client side)"
	}
	fmt.Fprintf(out, "hub bench: %d connections, %d sending pairs, %.0f msg/s offered for %v, %d node(s); memory of %s\n",
		o.Conns, o.Pairs, o.Rate, o.Duration, o.Nodes, where)
	pop, err := createUsers(ctx, o.Pool, o.Conns, o.Pairs)
	if err != nil {
		return err
	}
	b := &bench{o: o, out: out, pop: pop}
	defer b.closeAll()
	if err := b.connections(ctx); err != nil {
		return err
	}
	if err := b.openConversations(ctx); err != nil {
		return err
	}
	b.sending(ctx, "phase 2: one node", b.clinicians)
	if o.Nodes >= 2 {
		remote, err := b.dialMany(ctx, 1, pop.clinicians)
		if err != nil {
			return err
		}
		for _, c := range b.clinicians {
			c.OnFrame(ignoreFrame) // deliveries are timed on the node-1 connections now
		}
		b.sending(ctx, "phase 3: two nodes through Redis (sender on node 0, receiver on node 1)", remote)
	}
	return nil
}

type bench struct {
	o     BenchOptions
	out   io.Writer
	pop   population
	mu    sync.Mutex
	all   []*wsclient.Client
	convs []int64 // per pair

	patients, clinicians []*wsclient.Client
}

func (b *bench) closeAll() {
	b.mu.Lock()
	all := b.all
	b.mu.Unlock()
	for _, c := range all {
		c.Close()
	}
}

// connections is phase 1.
func (b *bench) connections(ctx context.Context) error {
	before, err := rss(b.o.ServerPIDs)
	if err != nil {
		return err
	}
	start := time.Now()
	if b.clinicians, err = b.dialMany(ctx, 0, b.pop.clinicians); err != nil {
		return err
	}
	if b.patients, err = b.dialMany(ctx, 0, b.pop.patients); err != nil {
		return err
	}
	failed := 0
	var wg sync.WaitGroup
	var mu sync.Mutex
	sem := make(chan struct{}, b.o.DialWorkers)
	for i, u := range b.pop.idle {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := b.dial(ctx, i%b.o.Nodes, u); err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	time.Sleep(2 * time.Second) // let the server settle
	after, err := rss(b.o.ServerPIDs)
	if err != nil {
		return err
	}
	held := b.o.Conns - failed
	fmt.Fprintf(b.out, "phase 1: connections\n  held %d of %d connections (dial + hello in %v, %d failed)\n", held, b.o.Conns, took.Round(time.Millisecond), failed)
	if held > 0 {
		fmt.Fprintf(b.out, "  resident memory %.1f MB -> %.1f MB: %.1f KB per connection (RSS delta / connections)\n",
			float64(before)/(1<<20), float64(after)/(1<<20), float64(after-before)/float64(held)/1024)
	}
	return nil
}

// dialMany connects every user to node, failing on the first error.
func (b *bench) dialMany(ctx context.Context, node int, users []int64) ([]*wsclient.Client, error) {
	out := make([]*wsclient.Client, len(users))
	errs := make(chan error, len(users))
	var wg sync.WaitGroup
	sem := make(chan struct{}, b.o.DialWorkers)
	for i, u := range users {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := b.dial(ctx, node, u)
			if err != nil {
				errs <- err
				return
			}
			out[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

// dial connects one user and says hello. Frames other than answers are
// ignored until sending sets a handler that times chat.message.
func (b *bench) dial(ctx context.Context, node int, user int64) (*wsclient.Client, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, err := b.o.Dial(dctx, node, user)
	if err != nil {
		return nil, fmt.Errorf("chatbench: dial user %d: %w", user, err)
	}
	c := wsclient.New(ws)
	c.OnFrame(ignoreFrame)
	b.mu.Lock()
	b.all = append(b.all, c)
	b.mu.Unlock()
	if _, err := c.Request(dctx, "hello", map[string]any{"protocol": 1}); err != nil {
		return nil, fmt.Errorf("chatbench: hello of user %d: %w", user, err)
	}
	return c, nil
}

// openConversations opens each pair's direct conversation (chat.open).
func (b *bench) openConversations(ctx context.Context) error {
	b.convs = make([]int64, len(b.patients))
	for i, p := range b.patients {
		f, err := p.Request(ctx, "chat.open", map[string]any{"kind": "direct", "clinician": b.pop.clinicians[i]})
		if err != nil {
			return fmt.Errorf("chatbench: open conversation: %w", err)
		}
		var r struct {
			Conversation int64 `json:"conversation"`
		}
		if err := json.Unmarshal(f.Data, &r); err != nil {
			return fmt.Errorf("chatbench: open conversation: %w", err)
		}
		b.convs[i] = r.Conversation
	}
	return nil
}

// sending runs one sending phase: every patient sends to its pair's
// conversation at Rate/Pairs per second; receivers[i] is where pair i's
// deliveries are timed.
func (b *bench) sending(ctx context.Context, title string, receivers []*wsclient.Client) {
	var sentAt, deliveredIDs sync.Map // client id → send time; client id → struct{}
	var delivered, acked, failed atomic.Int64
	var deliver, ack latencies
	var ackedMu sync.Mutex
	var ackedIDs []string
	for _, r := range receivers {
		r.OnFrame(func(f wsclient.Frame, at time.Time) {
			if f.Type != "chat.message" {
				return
			}
			var m struct {
				ClientID string `json:"client_id"`
			}
			if json.Unmarshal(f.Data, &m) != nil {
				return
			}
			if t, ok := sentAt.LoadAndDelete(m.ClientID); ok {
				deliver.add(at.Sub(t.(time.Time)))
				delivered.Add(1)
				deliveredIDs.Store(m.ClientID, struct{}{})
			}
		})
	}
	interval := time.Duration(float64(len(b.patients)) / b.o.Rate * float64(time.Second))
	phase := strconv.FormatInt(time.Now().UnixNano(), 36)
	stop := time.Now().Add(b.o.Duration)
	var wg sync.WaitGroup
	var sent atomic.Int64
	for i, p := range b.patients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the senders' ticks over the interval.
			next := time.Now().Add(time.Duration(int64(interval) * int64(i) / int64(len(b.patients))))
			for n := 0; ; n++ {
				time.Sleep(time.Until(next))
				if time.Now().After(stop) {
					return
				}
				next = next.Add(interval)
				id := phase + "-" + strconv.Itoa(i) + "-" + strconv.Itoa(n)
				t0 := time.Now()
				sentAt.Store(id, t0)
				sent.Add(1)
				wg.Add(1)
				go func() { // acks arrive in order per connection; do not hold the schedule
					defer wg.Done()
					_, err := p.Request(ctx, "chat.send", map[string]any{"conversation": b.convs[i], "client_id": id, "body": "bench message " + id})
					if err != nil {
						failed.Add(1)
						return
					}
					ack.add(time.Since(t0))
					acked.Add(1)
					ackedMu.Lock()
					ackedIDs = append(ackedIDs, id)
					ackedMu.Unlock()
				}()
			}
		}()
	}
	wg.Wait()
	missing := func() int {
		n := 0
		for _, id := range ackedIDs {
			if _, ok := deliveredIDs.Load(id); !ok {
				n++
			}
		}
		return n
	}
	drain := time.Now().Add(5 * time.Second)
	for missing() > 0 && time.Now().Before(drain) {
		time.Sleep(50 * time.Millisecond)
	}
	n, p50, p99, mx := deliver.quantiles()
	_, a50, a99, _ := ack.quantiles()
	secs := b.o.Duration.Seconds()
	fmt.Fprintf(b.out, "%s\n  offered %.0f msg/s by %d senders for %v: sent %d, acknowledged %d (%.0f/s), failed %d, delivered %d (%.0f/s), acknowledged but undelivered after 5 s drain %d\n",
		title, b.o.Rate, len(b.patients), b.o.Duration, sent.Load(), acked.Load(), float64(acked.Load())/secs, failed.Load(),
		n, float64(n)/secs, missing())
	fmt.Fprintf(b.out, "  send->delivery latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; send->ack p50 %.1f ms, p99 %.1f ms\n",
		ms(p50), ms(p99), ms(mx), ms(a50), ms(a99))
}

// ignoreFrame is the frame handler of a connection whose events are not
// timed: it drops them (and so the client keeps none).
func ignoreFrame(wsclient.Frame, time.Time) {}

package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"haven/portal/account"
	"haven/signaling"
)

// testRedisAddr is the Redis the relay tests share, each under its own
// key prefix.
const testRedisAddr = "127.0.0.1:6379"

// relayRedis returns a client of the test Redis and a key prefix no other
// test uses; the client closes after everything started later.
func relayRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testRedisAddr})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", testRedisAddr, err)
	}
	t.Cleanup(func() { rdb.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	return rdb, "haven-test-" + hex.EncodeToString(b[:]) + ":"
}

// relayNodes is two nodes of one deployment: one database, one Redis,
// each node with its own hub, SFU and Sessions.
type relayNodes struct {
	a, b   *hubEnv
	rdb    *redis.Client
	prefix string
}

// twoNodes starts nodes a and b with opts (Redis and Prefix are set
// here). Each node's Sessions close after its hub and SFU, as in the
// portal.
func twoNodes(t *testing.T, ctx context.Context, opts SessionsOptions) relayNodes {
	t.Helper()
	rdb, prefix := relayRedis(t)
	var started []*hubEnv
	t.Cleanup(func() {
		for _, n := range started {
			n.s.Close()
		}
	})
	opts.Redis, opts.Prefix = rdb, prefix
	a := newHubEnv(t, ctx, opts)
	b := a.addNode(opts)
	started = append(started, a, b)
	return relayNodes{a: a, b: b, rdb: rdb, prefix: prefix}
}

// addNode starts another node on e's database: its own SFU, hub (served
// by its own httptest server) and Sessions with opts. Create users with e.
func (e *hubEnv) addNode(opts SessionsOptions) *hubEnv {
	t := e.t
	t.Helper()
	n := &hubEnv{t: t, ctx: e.ctx, pool: e.pool, acct: e.acct, sfu: newTestSFU(t, Config{})}
	var err error
	n.hub, err = signaling.NewHub(signaling.Options{Auth: testIdentity, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	opts.SFU, opts.Pool, opts.Access, opts.Directory, opts.Notifier, opts.Logger = n.sfu, e.pool, e.acct, e.acct, n.hub, testLogger(t)
	if n.s, err = NewSessions(opts); err != nil {
		t.Fatal(err)
	}
	RegisterHandlers(n.hub, n.s)
	mux := http.NewServeMux()
	n.hub.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := n.hub.Shutdown(sctx); err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
		srv.Close()
	})
	n.wsURL = "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	return n
}

// claimOf returns the node named by a session's claim, "" when none.
func (n relayNodes) claimOf(ctx context.Context, t *testing.T, session string) string {
	t.Helper()
	v, err := n.rdb.Get(ctx, n.prefix+"media:room:"+session).Result()
	if errors.Is(err, redis.Nil) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// redisSpy records every message published under a prefix.
type redisSpy struct {
	mu   sync.Mutex
	msgs []string
}

// spyOn subscribes to every channel under prefix until the test ends.
func spyOn(t *testing.T, ctx context.Context, rdb *redis.Client, prefix string) *redisSpy {
	t.Helper()
	ps := rdb.PSubscribe(ctx, prefix+"*")
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	sp := &redisSpy{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m := range ps.Channel() {
			sp.mu.Lock()
			sp.msgs = append(sp.msgs, m.Channel+" "+m.Payload)
			sp.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ps.Close()
		<-done
	})
	return sp
}

// messages returns what the spy saw so far.
func (sp *redisSpy) messages() []string {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return slices.Clone(sp.msgs)
}

// strays lists what a client received that it would not on one node: a
// second answer to a request (answers with an id are consumed by call, so
// one left among the events is a duplicate) or the relay's internal
// event.
func strays(c *wsClient) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.evs {
		if f.ID != "" || f.Type == relayDoneType {
			out = append(out, f.Type+"/"+f.ID)
		}
	}
	return out
}

// leftFor reports whether a media.left names pid with reason.
func leftFor(pid, reason string) func(json.RawMessage) bool {
	return func(d json.RawMessage) bool {
		var ev ParticipantEvent
		return json.Unmarshal(d, &ev) == nil && ev.Participant == pid && ev.Reason == reason
	}
}

// TestRelaySessionAcrossNodes: a host on node A opens a session (A claims
// it in Redis); a guest connected to node B joins it: B opens no room and
// relays every media.* frame to A. The guest waits, the host admits, both
// publish, and media flows through A's SFU; relayed errors carry their
// codes. The guest's signaling drops and it resumes on B, then on A itself,
// then on B again — the same participant each time, media flowing, the host
// seeing no leave. When it drops for good, the grace period on A ends its
// place. Redis carries no names, and the claim goes when the session ends.
func TestRelaySessionAcrossNodes(t *testing.T) {
	ctx := mediaTest(t, 150*time.Second)
	n := twoNodes(t, ctx, SessionsOptions{Grace: 3 * time.Second})
	spy := spyOn(t, ctx, n.rdb, n.prefix)
	a, b := n.a, n.b
	clin := a.user(account.RoleClinician)
	pat := a.user(account.RolePatient, clin.UserID)
	in := a.startSession(clin, pat.UserID)

	host := newRTC(a, clin)
	if r := host.join(ctx, in.ID, false); r.Role != RoleHost || r.Waiting {
		t.Fatalf("host join = %+v", r)
	}
	if owner := n.claimOf(ctx, t, in.ID); owner != a.hub.Node() {
		t.Fatalf("session claimed by %q, want node A %q", owner, a.hub.Node())
	}
	guest := newRTC(b, pat)
	if r := guest.join(ctx, in.ID, false); r.Role != RoleGuest || !r.Waiting {
		t.Fatalf("guest join on B = %+v, want waiting", r)
	}
	guest.ws.waitEvent(ctx, FrameWaiting, 0, hasParticipant(guest.pid))
	host.ws.waitEvent(ctx, FrameWaitingList, 0, waitingIs(guest.pid))
	if st := b.sfu.Stats(); st.Rooms != 0 {
		t.Fatalf("node B opened %d rooms for a session held by A", st.Rooms)
	}
	if code := guest.ws.refused(ctx, FrameOffer, SDP{SDP: "v=0\r\n"}); code != "conflict" {
		t.Fatalf("relayed offer while waiting: %s, want conflict", code)
	}
	if code := guest.ws.refused(ctx, FrameAdmit, Target{Participant: guest.pid}); code != "forbidden" {
		t.Fatalf("a guest admitting, relayed: %s, want forbidden", code)
	}

	host.ws.ok(ctx, FrameAdmit, Target{Participant: guest.pid}, nil)
	guest.ws.waitEvent(ctx, FrameAdmitted, 0, hasParticipant(guest.pid))
	if r := guest.join(ctx, in.ID, false); r.Waiting {
		t.Fatalf("admitted guest join on B = %+v", r)
	}
	host.ws.waitEvent(ctx, FrameJoined, 0, hasParticipant(guest.pid))
	host.publish(ctx)
	guest.publish(ctx)
	for _, src := range []string{SourceMic, SourceCamera} {
		waitMedia(ctx, t, guest, host.pid, src)
		waitMedia(ctx, t, host, guest.pid, src)
	}
	if sa, sb := a.sfu.Stats(), b.sfu.Stats(); sa.Participants != 2 || sb.Participants != 0 {
		t.Fatalf("participants: %d on A, %d on B; want 2 and 0", sa.Participants, sb.Participants)
	}
	host.ws.ok(ctx, FrameMute, Target{Participant: guest.pid}, nil)
	guest.ws.waitEvent(ctx, FrameMuted, 0, hasParticipant(guest.pid))
	guest.ws.ok(ctx, FrameUnmute, Target{Participant: guest.pid}, nil)
	host.ws.waitEvent(ctx, FrameUnmuted, 0, hasParticipant(guest.pid))
	if keys, err := n.rdb.Keys(ctx, n.prefix+"*").Result(); err != nil || len(keys) != 1 || keys[0] != n.prefix+"media:room:"+in.ID {
		t.Fatalf("Redis keys under the prefix = %v, %v; want the session's claim alone", keys, err)
	}

	part, err := a.room(in.ID).Participant(guest.pid)
	if err != nil {
		t.Fatal(err)
	}
	sockets := []*wsClient{host.ws, guest.ws}
	for i, node := range []*hubEnv{b, a, b} {
		guest.signal().drop()
		guest.setWS(node.dial(pat, guest.route))
		sockets = append(sockets, guest.signal())
		if r := guest.join(ctx, in.ID, true); !r.Resumed || r.Waiting {
			t.Fatalf("resume %d = %+v", i, r)
		}
		guest.signal().waitEvent(ctx, FrameOffer, 0, nil) // the ICE restart's down offer
		if again, err := a.room(in.ID).Participant(guest.pid); err != nil || again != part {
			t.Fatalf("resume %d: participant %p, %v; want the same %p", i, again, err, part)
		}
		before := guest.received(host.pid, SourceCamera)
		eventually(ctx, t, "media after a resume", func() bool { return guest.received(host.pid, SourceCamera) > before+10 })
	}
	if k := host.ws.count(FrameLeft); k != 0 {
		t.Fatalf("the host saw %d leaves during resumes", k)
	}

	// Dropped on B for good: A's grace period ends the guest's place.
	guest.signal().drop()
	host.ws.waitEvent(ctx, FrameLeft, 0, leftFor(guest.pid, "left"))
	for i, c := range sockets {
		if st := strays(c); len(st) != 0 {
			t.Fatalf("socket %d received %v", i, st)
		}
	}

	for _, m := range spy.messages() {
		for _, secret := range []string{"User 1", "User 2", "@example.org"} {
			if strings.Contains(m, secret) {
				t.Fatalf("Redis carried %q: %.200s", secret, m)
			}
		}
	}
	if len(spy.messages()) == 0 {
		t.Fatal("nothing was relayed through Redis")
	}

	host.ws.ok(ctx, FrameEnd, nil, nil)
	eventually(ctx, t, "the claim released", func() bool { return n.claimOf(ctx, t, in.ID) == "" })
}

// TestRelayEdgeNodeStopsListening: when the node holding a guest's
// WebSocket stops listening on its relay channel, the owner notices: a
// waiting guest leaves the waiting room at once and a participant leaves
// when the grace period ends.
func TestRelayEdgeNodeStopsListening(t *testing.T) {
	ctx := mediaTest(t, 60*time.Second)
	n := twoNodes(t, ctx, SessionsOptions{Grace: time.Second, relayEvery: 100 * time.Millisecond})
	a, b := n.a, n.b
	clin := a.user(account.RoleClinician)
	p1 := a.user(account.RolePatient, clin.UserID)
	p2 := a.user(account.RolePatient, clin.UserID)
	in := a.startSession(clin, p1.UserID, p2.UserID)
	host := a.dial(clin, nil)
	host.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, nil)
	g1, g2 := b.dial(p1, nil), b.dial(p2, nil)
	pid1, pid2 := participantID(p1.UserID), participantID(p2.UserID)
	g1.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, nil)
	host.ok(ctx, FrameAdmit, Target{Participant: pid1}, nil)
	g1.waitEvent(ctx, FrameAdmitted, 0, hasParticipant(pid1))
	var r JoinReply
	g1.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r)
	if r.Waiting {
		t.Fatal("admitted guest still waiting")
	}
	g2.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r)
	if !r.Waiting {
		t.Fatal("second guest not waiting")
	}
	host.waitEvent(ctx, FrameWaitingList, 0, waitingIs(pid2))
	mark := host.events()

	b.s.Close() // B's relay stops listening; its WebSockets stay open
	host.waitEvent(ctx, FrameWaitingList, mark, waitingIs())
	host.waitEvent(ctx, FrameLeft, mark, leftFor(pid1, "left"))
	if n := a.sfu.Stats().Participants; n != 1 {
		t.Fatalf("%d participants on A, want the host alone", n)
	}
}

// TestRelayOwnerGone: a join for a session claimed by a node that no
// longer listens is refused as unavailable (retry later); once the claim
// lapses, the next join opens the room on the joining node, which claims
// it.
func TestRelayOwnerGone(t *testing.T) {
	ctx := mediaTest(t, 60*time.Second)
	n := twoNodes(t, ctx, SessionsOptions{})
	a, b := n.a, n.b
	clin := a.user(account.RoleClinician)
	pat := a.user(account.RolePatient, clin.UserID)
	in := a.startSession(clin, pat.UserID)
	key := n.prefix + "media:room:" + in.ID
	if err := n.rdb.Set(ctx, key, "deadbeef", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	host := b.dial(clin, nil)
	f := host.call(ctx, FrameJoin, JoinFrame{Room: in.ID})
	if f.Type != "error" || f.Error.Code != "unavailable" || f.Error.RetryAfterMS <= 0 {
		t.Fatalf("join while the owner is gone = %s %+v, want unavailable with a retry delay", f.Type, f.Error)
	}
	if st := b.sfu.Stats(); st.Rooms != 0 {
		t.Fatalf("node B opened %d rooms while another node held the session", st.Rooms)
	}

	if err := n.rdb.Del(ctx, key).Err(); err != nil { // the claim's expiry, sooner
		t.Fatal(err)
	}
	var r JoinReply
	host.ok(ctx, FrameJoin, JoinFrame{Room: in.ID}, &r)
	if r.Role != RoleHost || b.sfu.Stats().Rooms != 1 {
		t.Fatalf("join after the claim lapsed = %+v with %d rooms on B", r, b.sfu.Stats().Rooms)
	}
	if owner := n.claimOf(ctx, t, in.ID); owner != b.hub.Node() {
		t.Fatalf("session claimed by %q, want node B %q", owner, b.hub.Node())
	}
}

// TestRelayJoinAnotherSession: a connection relayed to another node that
// joins a second session leaves the first at once (not after a grace
// period), as on one node.
func TestRelayJoinAnotherSession(t *testing.T) {
	ctx := mediaTest(t, 60*time.Second)
	n := twoNodes(t, ctx, SessionsOptions{})
	a, b := n.a, n.b
	clin := a.user(account.RoleClinician)
	pat := a.user(account.RolePatient, clin.UserID)
	first := a.startSession(clin, pat.UserID)
	second := a.startSession(clin, pat.UserID)
	host1, host2 := a.dial(clin, nil), a.dial(clin, nil)
	host1.ok(ctx, FrameJoin, JoinFrame{Room: first.ID}, nil)
	host2.ok(ctx, FrameJoin, JoinFrame{Room: second.ID}, nil)
	pid := participantID(pat.UserID)
	guest := b.dial(pat, nil)
	guest.ok(ctx, FrameJoin, JoinFrame{Room: first.ID}, nil)
	host1.waitEvent(ctx, FrameWaitingList, 0, waitingIs(pid))
	mark := host1.events()
	guest.ok(ctx, FrameJoin, JoinFrame{Room: second.ID}, nil)
	host2.waitEvent(ctx, FrameWaitingList, 0, waitingIs(pid))
	host1.waitEvent(ctx, FrameWaitingList, mark, waitingIs())
}

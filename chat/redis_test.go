package chat

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// killRedis kills every Redis connection of the clients named name (the
// broker's pub/sub and publishing connections) and returns how many.
func killRedis(t testing.TB, name string) int {
	t.Helper()
	admin := redisClient(t, "haven-chat-test-admin-"+randomName())
	ctx := context.Background()
	list, err := admin.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	sc := bufio.NewScanner(strings.NewReader(list))
	for sc.Scan() {
		fields := map[string]string{}
		for _, kv := range strings.Fields(sc.Text()) {
			k, v, _ := strings.Cut(kv, "=")
			fields[k] = v
		}
		if fields["name"] != name {
			continue
		}
		if err := admin.Do(ctx, "CLIENT", "KILL", "ID", fields["id"]).Err(); err == nil {
			killed++
		}
	}
	return killed
}

// TestTwoNodesRedisKilled: devices on two nodes sharing PostgreSQL and
// Redis, senders on both, connections dropped at random, and midway every
// Redis connection of both nodes killed. Messages cross nodes, and every
// acknowledged message reaches every device (which resumes after the
// resync), with one stored message per client id.
//
// Across nodes the order of two nodes' publications is not defined, so the
// devices apply the client rule of PROTOCOL.md; how often it was needed is
// logged.
func TestTwoNodesRedisKilled(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{nodes: 2, redis: true})
	cl := e.newClinic(t, 2)
	killed := 0
	res := runStorm(t, e, cl, stormOptions{perSender: 16, midway: func() {
		for _, n := range e.nodes {
			killed += killRedis(t, n.rname)
		}
	}})
	if killed < 4 {
		t.Errorf("killed %d Redis connections, want the pub/sub and publishing connections of both nodes", killed)
	}
	if res.resyncs == 0 {
		t.Error("no device was told to resync after Redis was killed")
	}
	var remote float64
	for _, n := range e.nodes {
		remote += counterValue(n.chat.m.rendered)
	}
	if remote == 0 {
		t.Error("no message was rendered")
	}
	t.Logf("killed %d Redis connections; %d reconnections, %d resyncs; client rule applied to %d old and %d early messages",
		killed, res.reconnects, res.resyncs, res.dups, res.reorder)
}

// TestSealedAtRestAndOnRedis: the plaintext of a message is neither in the
// chat tables nor on any Redis channel of the deployment, yet the recipient
// on the other node reads it.
func TestSealedAtRestAndOnRedis(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{nodes: 2, redis: true})
	cl := e.newClinic(t, 1)
	conv := cl.direct[cl.clinicians[0]]
	spy := redisClient(t, "haven-chat-test-spy-"+randomName())
	ps := spy.PSubscribe(context.Background(), e.prefix+"*")
	defer ps.Close()
	if _, err := ps.Receive(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var payloads []string
	spyDone := make(chan struct{})
	go func() {
		defer close(spyDone)
		for m := range ps.Channel() {
			mu.Lock()
			payloads = append(payloads, m.Channel+" "+m.Payload)
			mu.Unlock()
		}
	}()
	pk, ck := newCollector(), newCollector()
	pc := mustDial(t, e.nodes[0], cl.patient, "patient", pk.add)
	cc := mustDial(t, e.nodes[1], cl.clinicians[0], "clinician", ck.add)
	for _, c := range []*tconn{pc, cc} {
		if err := c.hello(nil); err != nil {
			t.Fatal(err)
		}
	}
	secret := "I stopped taking my medication " + randomName()
	if _, err := pc.sendMsg(conv, "s1", secret); err != nil {
		t.Fatal(err)
	}
	f := ck.waitFor(t, EventMessage, nil)
	var m Message
	if err := json.Unmarshal(f.Data, &m); err != nil || m.Body != secret {
		t.Fatalf("recipient on the other node got %s (%v)", f.Data, err)
	}
	waitUntil(t, "the event on Redis", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range payloads {
			if strings.Contains(p, `"sealed":`) {
				return true
			}
		}
		return false
	})
	ps.Close()
	<-spyDone
	for _, p := range payloads {
		if strings.Contains(p, secret) || strings.Contains(p, "medication") || strings.Contains(p, `"body"`) {
			t.Errorf("plaintext on Redis: %q", p)
		}
	}
	var n int
	err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM chat_messages
		WHERE position(convert_to($1, 'UTF8') in body) > 0 OR position(convert_to('medication', 'UTF8') in body) > 0`, secret).Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("%d rows hold the plaintext (%v)", n, err)
	}
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM chat_messages`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d messages stored (%v)", n, err)
	}
}

// counterValue reads a counter of the service's metrics.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	_ = c.Write(&m)
	return m.Counter.GetValue()
}

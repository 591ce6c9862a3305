package signaling

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const testRedisAddr = "127.0.0.1:6379"

// randomName returns a short random hex string.
func randomName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// redisClient returns a client on the test Redis named name (so that its
// connections can be found in CLIENT LIST), closed when the test ends.
func redisClient(t testing.TB, name string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testRedisAddr, ClientName: name})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", testRedisAddr, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// redisNode starts a hub whose broker and presence use Redis under prefix,
// with its own client (named name).
func redisNode(t testing.TB, prefix, name string, opts Options) *testNode {
	t.Helper()
	rdb := redisClient(t, name)
	opts.Broker = NewRedisBroker(rdb, RedisBrokerOptions{Prefix: prefix, SubscribeTimeout: 2 * time.Second, HealthInterval: time.Second})
	opts.Presence = NewRedisPresence(rdb, prefix, 3*time.Second)
	return startNode(t, opts)
}

// killPubSub kills the pub/sub connections of the clients named name and
// returns how many it killed.
func killPubSub(t testing.TB, name string) int {
	t.Helper()
	admin := redisClient(t, "haven-test-admin-"+randomName())
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
		if fields["name"] != name || fields["sub"] == "0" || fields["sub"] == "" {
			continue
		}
		if err := admin.Do(ctx, "CLIENT", "KILL", "ID", fields["id"]).Err(); err != nil {
			t.Fatalf("client kill: %v", err)
		}
		killed++
	}
	return killed
}

package chatbench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"haven/chat"
	"haven/migrations/dbtest"
	"haven/portal/fault"
	"haven/portal/seal"
	"haven/signaling"
)

// access is the care-team rule read from the account tables.
type access struct{ pool *pgxpool.Pool }

func (a access) Authorize(ctx context.Context, user int64, role string, patient int64) error {
	ok := role == "patient" && user == patient
	if role == "clinician" {
		if err := a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM care_team_members WHERE patient_id = $1 AND clinician_id = $2)`,
			patient, user).Scan(&ok); err != nil {
			return err
		}
	}
	if !ok {
		return fault.New(fault.Forbidden, "forbidden")
	}
	return nil
}

func (a access) CareTeam(ctx context.Context, patient int64) ([]int64, error) {
	rows, err := a.pool.Query(ctx, `SELECT clinician_id FROM care_team_members WHERE patient_id = $1`, patient)
	if err != nil {
		return nil, err
	}
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// TestBenchSmoke runs every phase of the bench briefly against two
// in-process nodes on Redis and checks that the report is complete and
// nothing acknowledged went undelivered. It asserts no figure.
func TestBenchSmoke(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys, err := seal.New(ctx, pool, kek, seal.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var tag [6]byte
	_, _ = rand.Read(tag[:])
	prefix := "haventest:chatbench:" + hex.EncodeToString(tag[:]) + ":"
	auth := signaling.AuthenticatorFunc(func(r *http.Request) (signaling.Identity, error) {
		id, _ := strconv.ParseInt(r.Header.Get("X-Bench-User"), 10, 64)
		var role string
		if err := pool.QueryRow(r.Context(), `SELECT role FROM users WHERE id = $1`, id).Scan(&role); err != nil {
			return signaling.Identity{}, fault.New(fault.Unauthenticated, "sign in")
		}
		return signaling.Identity{UserID: id, Role: role}, nil
	})
	var urls []string
	for range 2 {
		rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
		t.Cleanup(func() { rdb.Close() })
		hub, err := signaling.NewHub(signaling.Options{Auth: auth, Logger: quiet,
			Broker: signaling.NewRedisBroker(rdb, signaling.RedisBrokerOptions{Prefix: prefix, Logger: quiet})})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := chat.New(chat.Config{Pool: pool, Hub: hub, Sealer: keys, Access: access{pool}, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		hub.Register(mux)
		srv := httptest.NewServer(mux)
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = hub.Shutdown(ctx)
			_ = svc.Close(ctx)
			srv.Close()
		})
		urls = append(urls, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws")
	}
	dial := func(ctx context.Context, node int, user int64) (*websocket.Conn, error) {
		h := http.Header{}
		h.Set("X-Bench-User", strconv.FormatInt(user, 10))
		ws, _, err := websocket.Dial(ctx, urls[node], &websocket.DialOptions{HTTPHeader: h})
		return ws, err
	}
	var out bytes.Buffer
	err = Bench(ctx, &out, BenchOptions{Dial: dial, Nodes: 2, Pool: pool, Conns: 40, Pairs: 10, Rate: 100, Duration: time.Second})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"phase 1", "per connection", "phase 2", "phase 3", "p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`acknowledged but undelivered after 5 s drain (\d+)`).FindAllStringSubmatch(out.String(), -1); len(m) != 2 || m[0][1] != "0" || m[1][1] != "0" {
		t.Errorf("undelivered messages: %v", m)
	}
}

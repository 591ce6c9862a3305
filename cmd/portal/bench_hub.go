package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"haven/chat/chatbench"
	"haven/portal/account"
	"haven/web"
)

// benchHub measures the hub and chat under load (chatbench.Bench):
// connections held and resident memory per connection, then sustained
// durable messages per second with send→delivery latency on one node and,
// with two nodes, across Redis.
//
// By default it starts its node(s) in this process on a scratch database
// (dropped afterwards): then the memory figure includes the client side of
// every connection, and the report says so. With --url it drives servers
// already running (`portal serve`), whose database DATABASE_URL must name
// (its users and sessions are created there) and whose key-encryption key
// the bench must open too (same HAVEN_DATA_DIR or --key-uri); --server-pid
// then measures the servers' memory alone.
//
// Connections are authenticated without a password (account.BenchSession:
// a full session per connection, audited as "session.bench") and open /ws
// with the session cookie and a same-origin Origin header.
func benchHub(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f hubFlags
	cfg, _, err := parseConfig("bench hub", args, getenv, stderr, f.register)
	if err != nil {
		return err
	}
	if err := f.check(cfg); err != nil {
		return err
	}
	limit, err := raiseFileLimit(stdout)
	if err != nil {
		return err
	}
	if need := f.filesNeeded(); need > limit {
		return fmt.Errorf("bench hub: %d connections need about %d open files in this process, but its limit is %d (the hard limit): lower --conns, or raise the hard limit (ulimit -Hn, LimitNOFILE)",
			f.conns, need, limit)
	}
	if len(f.urls) > 0 {
		return benchHubRemote(ctx, cfg, &f, stdout, stderr)
	}
	return benchHubLocal(ctx, cfg, &f, stdout, stderr)
}

// hubFlags are the flags of `portal bench hub` beyond the shared config.
type hubFlags struct {
	urls        urlList
	pids        pidList
	nodes       int
	conns       int
	pairs       int
	rate        float64
	duration    time.Duration
	dialWorkers int
}

// register declares the flags on fs.
func (f *hubFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.urls, "url", "drive this running server (http(s)://host:port; repeat, or a comma list, for a second node) instead of starting nodes in-process; DATABASE_URL and the key (HAVEN_DATA_DIR or --key-uri) must be the server's")
	fs.Var(&f.pids, "server-pid", "with --url: a server process whose resident memory is measured (repeat, or a comma list, one per node)")
	fs.IntVar(&f.nodes, "nodes", 0, "1, or 2 to measure delivery across Redis (in-process nodes need REDIS_URL); default 1, or the number of --url")
	fs.IntVar(&f.conns, "conns", 2000, "connections held (at least 2 × --pairs)")
	fs.IntVar(&f.pairs, "pairs", 200, "patient–clinician pairs sending")
	fs.Float64Var(&f.rate, "rate", 2000, "messages per second offered, in total")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "length of each sending phase")
	fs.IntVar(&f.dialWorkers, "dial-workers", 64, "connections opened at once")
}

// check validates the flags against each other and the config; it fills
// nodes when left to its default.
func (f *hubFlags) check(cfg *config) error {
	var errs []error
	switch {
	case len(f.urls) > 2:
		errs = append(errs, errors.New("--url: at most two servers (nodes 0 and 1)"))
	case len(f.urls) > 0 && f.nodes != 0 && f.nodes != len(f.urls):
		errs = append(errs, fmt.Errorf("--nodes %d but %d --url given: with --url the nodes are the servers named", f.nodes, len(f.urls)))
	case len(f.urls) > 0:
		f.nodes = len(f.urls)
	case f.nodes == 0:
		f.nodes = 1
	case f.nodes != 1 && f.nodes != 2:
		errs = append(errs, fmt.Errorf("--nodes %d: want 1 or 2", f.nodes))
	}
	if len(f.urls) == 0 && f.nodes == 2 && cfg.RedisURL == "" {
		errs = append(errs, errors.New("--nodes 2 needs REDIS_URL (or --redis-url): the two nodes share fan-out through Redis"))
	}
	if len(f.pids) > 0 && len(f.urls) == 0 {
		errs = append(errs, errors.New("--server-pid needs --url: in-process nodes are measured in this process"))
	}
	for _, pid := range f.pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid) + "/status"); err != nil {
			errs = append(errs, fmt.Errorf("--server-pid %d: no such process on this machine", pid))
		}
	}
	if f.conns < 1 || f.pairs < 1 || f.dialWorkers < 1 {
		errs = append(errs, errors.New("--conns, --pairs and --dial-workers must be at least 1"))
	}
	if f.rate <= 0 || f.duration <= 0 {
		errs = append(errs, errors.New("--rate and --duration must be positive"))
	}
	f.conns = max(f.conns, 2*f.pairs) // as chatbench does
	return errors.Join(errs...)
}

// filesNeeded estimates the open files this process needs: one per client
// connection (the clinicians' second connections on node 1 included), one
// more per connection when the server runs here too, and some headroom for
// database pools, listeners and Redis.
func (f *hubFlags) filesNeeded() int {
	clients := f.conns
	if f.nodes == 2 {
		clients += f.pairs
	}
	if len(f.urls) == 0 {
		return 2*clients + 200
	}
	return clients + 100
}

// urlList is a repeatable flag of server URLs, also accepting a comma list.
type urlList []*url.URL

func (l *urlList) String() string {
	s := make([]string, len(*l))
	for i, u := range *l {
		s[i] = u.String()
	}
	return strings.Join(s, ",")
}

// Set adds each URL of a comma list; ws(s):// is taken as http(s)://.
func (l *urlList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || u.Host == "" {
			return fmt.Errorf("%q: want http(s)://host:port", part)
		}
		switch u.Scheme {
		case "http", "https":
		case "ws":
			u.Scheme = "http"
		case "wss":
			u.Scheme = "https"
		default:
			return fmt.Errorf("%q: want http(s)://host:port", part)
		}
		*l = append(*l, &url.URL{Scheme: u.Scheme, Host: u.Host})
	}
	return nil
}

// pidList is a repeatable flag of process ids, also accepting a comma list.
type pidList []int

func (l *pidList) String() string {
	s := make([]string, len(*l))
	for i, p := range *l {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

// Set adds each process id of a comma list.
func (l *pidList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		pid, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || pid <= 0 {
			return fmt.Errorf("%q: want a process id", part)
		}
		*l = append(*l, pid)
	}
	return nil
}

// raiseFileLimit raises this process's soft limit on open files to the
// hard limit, prints both, and returns the limit now in force.
func raiseFileLimit(stdout io.Writer) (int, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("bench hub: read the open-files limit: %w", err)
	}
	was := lim.Cur
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, fmt.Errorf("bench hub: raise the open-files limit to %d: %w", lim.Max, err)
		}
	}
	fmt.Fprintf(stdout, "open files: soft limit %d (was %d), hard limit %d\n", lim.Cur, was, lim.Max)
	return int(min(lim.Cur, 1<<31-1)), nil
}

// hubDialer opens benchmark connections: a bench session for the user, then
// /ws of the node with the session cookie and the node's own origin.
type hubDialer struct {
	accounts *account.Service
	nodes    []*url.URL // http(s) base URL per node
}

// dial is chatbench's Dial. A refused upgrade (401) most likely means the
// server does not share the database the session was created in.
func (d hubDialer) dial(ctx context.Context, node int, userID int64) (*websocket.Conn, error) {
	token, err := d.accounts.BenchSession(ctx, userID)
	if err != nil {
		return nil, err
	}
	base := d.nodes[node]
	ws := *base
	ws.Scheme = map[string]string{"http": "ws", "https": "wss"}[base.Scheme]
	ws.Path = "/ws"
	h := http.Header{}
	h.Set("Cookie", (&http.Cookie{Name: web.SessionCookie, Value: token}).String())
	h.Set("Origin", base.String())
	c, resp, err := websocket.Dial(ctx, ws.String(), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusUnauthorized {
			return nil, fmt.Errorf("%s refused the bench session (401): does DATABASE_URL name the database this server uses? %w", base, err)
		}
		return nil, err
	}
	return c, nil
}

// benchHubRemote drives servers already running, creating users and
// sessions in their database (DATABASE_URL).
func benchHubRemote(ctx context.Context, cfg *config, f *hubFlags, stdout, stderr io.Writer) error {
	cfg.LogLevel = "error"
	c, err := openCore(ctx, cfg, stderr, coreOptions{})
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(stdout, "driving running server(s) %s\n", f.urls.String())
	if len(f.pids) > 0 {
		fmt.Fprintf(stdout, "memory: resident memory of server process(es) %s alone (the clients run in this process)\n", f.pids.String())
		for _, pid := range f.pids {
			if lim, ok := processFileLimit(pid); ok && lim < f.conns/f.nodes+50 {
				fmt.Fprintf(stdout, "warning: server process %d may open only %d files: it cannot hold its share of %d connections\n", pid, lim, f.conns)
			}
		}
	} else {
		fmt.Fprintln(stdout, "memory: no --server-pid given, so the memory figure below is of THIS bench process, which holds only the client side of the connections (not the server's); pass --server-pid for the server's")
	}
	return chatbench.Bench(ctx, stdout, f.options(c, f.urls, f.pids))
}

// options builds chatbench's options for nodes at urls.
func (f *hubFlags) options(c *core, urls []*url.URL, pids []int) chatbench.BenchOptions {
	d := hubDialer{accounts: c.accounts, nodes: urls}
	return chatbench.BenchOptions{
		Dial: d.dial, Nodes: f.nodes, Pool: c.pool, ServerPIDs: pids,
		Conns: f.conns, Pairs: f.pairs, Rate: f.rate, Duration: f.duration, DialWorkers: f.dialWorkers,
	}
}

// processFileLimit reads the soft open-files limit of another process.
func processFileLimit(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/limits")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if fields := strings.Fields(rest); len(fields) > 0 {
				n, err := strconv.Atoi(fields[0])
				return n, err == nil
			}
		}
	}
	return 0, false
}

// benchHubLocal starts f.nodes nodes in this process on a scratch database
// and a scratch key, runs the bench against them, and stops them.
func benchHubLocal(ctx context.Context, cfg *config, f *hubFlags, stdout, stderr io.Writer) error {
	dsn, drop, err := scratchDatabase(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer drop()
	keyDir, err := os.MkdirTemp("", "haven-bench-key-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(keyDir)
	cfg.DatabaseURL, cfg.KeyURI, cfg.LogLevel = dsn, "file://"+keyDir+"/kek.json", "error"

	nctx, stopNodes := context.WithCancel(ctx)
	var nodes []*localNode
	defer func() {
		stopNodes()
		for _, n := range nodes {
			n.wait(stdout)
		}
	}()
	var urls []*url.URL
	for i := range f.nodes {
		n, err := startLocalNode(nctx, cfg, i == 0, stderr)
		if n != nil {
			nodes = append(nodes, n)
		}
		if err != nil {
			return fmt.Errorf("bench hub: node %d: %w", i, err)
		}
		urls = append(urls, n.url)
	}
	broker := "in-process broker"
	if cfg.RedisURL != "" {
		broker = "Redis broker (key prefix \"haven:\")"
	}
	fmt.Fprintf(stdout, "in-process node(s) %s on a scratch database, %s\n", (*urlList)(&urls).String(), broker)
	fmt.Fprintln(stdout, "memory: the server runs in THIS process with the clients, so the memory figure below includes both sides of every connection (not the server's alone); use --url with --server-pid for the server's alone")
	return chatbench.Bench(ctx, stdout, f.options(nodes[0].core, urls, nil))
}

// localNode is a node served in this process by serve().
type localNode struct {
	core *core
	url  *url.URL
	done chan error // serve's result
}

// listeningLine is what serve prints once it listens.
var listeningLine = regexp.MustCompile(`listening on (https?://\S+)`)

// startLocalNode opens a core on cfg's database (migrating it when asked)
// and serves a node on 127.0.0.1:0 until ctx ends, returning once it
// listens. Media binds a loopback port of its own; TLS, proxies and TURN
// are off. A node returned, even with an error, is running: the caller
// ends ctx and waits for it.
func startLocalNode(ctx context.Context, cfg *config, migrate bool, stderr io.Writer) (*localNode, error) {
	ncfg := *cfg
	ncfg.Listen, ncfg.PublicURL, ncfg.publicDerived = "127.0.0.1:0", &url.URL{Scheme: "http", Host: "127.0.0.1:0"}, true
	ncfg.TLSCert, ncfg.TLSKey, ncfg.BehindProxy = "", "", false
	ncfg.MediaUDP, ncfg.MediaTCP, ncfg.MediaPublicIPs, ncfg.TURNUDP = "127.0.0.1:0", "", nil, ""
	c, err := openCore(ctx, &ncfg, stderr, coreOptions{migrate: migrate})
	if err != nil {
		return nil, err
	}
	n := &localNode{core: c, done: make(chan error, 1)}
	pr, pw := io.Pipe()
	go func() {
		err := serve(ctx, c, pw, nil)
		pw.CloseWithError(errors.Join(err, io.EOF))
		n.done <- err
	}()
	buf := make([]byte, 4096)
	var seen strings.Builder
	for {
		k, err := pr.Read(buf)
		seen.Write(buf[:k])
		if m := listeningLine.FindStringSubmatch(seen.String()); m != nil {
			go io.Copy(io.Discard, pr)
			n.url, err = url.Parse(m[1])
			return n, err
		}
		if err != nil { // serve returned before listening
			c.Close()
			if err = <-n.done; err == nil {
				err = errors.New("stopped before listening")
			}
			return nil, err
		}
	}
}

// wait waits for the node's serve to return (after its context ended),
// closes its core, and reports a failed shutdown on w.
func (n *localNode) wait(w io.Writer) {
	err := <-n.done
	n.core.Close()
	if err != nil {
		fmt.Fprintf(w, "a bench node stopped with: %v\n", err)
	}
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"haven/portal/account"
)

// benchSignin measures sign-in: the latency of one sign-in (dominated by
// the argon2id cost) and the process's peak memory while n sign-ins run at
// once, against the real HTTP edge on a scratch database.
func benchSignin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var concurrent, sequential int
	c, done, err := benchCore(ctx, "bench signin", args, getenv, stdout, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&concurrent, "concurrent", 20, "sign-ins at once")
		fs.IntVar(&sequential, "sequential", 10, "sign-ins one after another, for latency")
	})
	if err != nil {
		return err
	}
	defer done()
	c.cfg.BehindProxy = true // each simulated client has its own address
	n, err := buildNode(ctx, c)
	if err != nil {
		return err
	}
	defer n.close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: n.edge}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	total := concurrent + sequential
	const password = "a calm long passphrase"
	for i := range total {
		_, err := c.accounts.CreateAccount(ctx, account.Operator(), account.NewAccount{
			Role: account.RolePatient, Email: fmt.Sprintf("bench%d@bench.invalid", i), DisplayName: "Bench", Password: password})
		if err != nil {
			return err
		}
	}
	signIn := func(i int) (time.Duration, error) {
		body := fmt.Sprintf(`{"email":"bench%d@bench.invalid","password":%q}`, i, password)
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/session", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.9.%d.%d", i/250, i%250+1)) // one address each: no per-address limit
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("sign-in answered %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}

	var seq []time.Duration
	for i := range sequential {
		d, err := signIn(concurrent + i)
		if err != nil {
			return err
		}
		seq = append(seq, d)
	}
	runtime.GC()
	baseline := rssBytes()
	var peak atomic.Int64
	peak.Store(baseline)
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			if r := rssBytes(); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	lat := make([]time.Duration, concurrent)
	errs := make([]error, concurrent)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range concurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i], errs[i] = signIn(i)
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	close(stop)
	sampler.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "sign-in (POST /api/session, argon2id m=19 MiB t=2 p=1), %d CPUs\n", runtime.NumCPU())
	fmt.Fprintf(stdout, "  one at a time (n=%d): p50 %v  max %v\n", sequential, pct(seq, 50), pct(seq, 100))
	fmt.Fprintf(stdout, "  %d at once: all done in %v; latency p50 %v  p99 %v\n", concurrent, wall.Round(time.Millisecond), pct(lat, 50), pct(lat, 99))
	fmt.Fprintf(stdout, "  process RSS: %.1f MiB before, peak %.1f MiB during (+%.1f MiB)\n",
		mib(baseline), mib(peak.Load()), mib(peak.Load()-baseline))
	return nil
}

// pct returns the p-th percentile of ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	i := (p*len(s) + 99) / 100
	if i < 1 {
		i = 1
	}
	return s[i-1].Round(100 * time.Microsecond)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// rssBytes reads the process's resident set size from /proc (0 elsewhere).
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

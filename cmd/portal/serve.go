package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// cmdServe runs the portal until ctx is cancelled (SIGINT/SIGTERM).
func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	c, err := openCore(ctx, cfg, stderr, coreOptions{migrate: !cfg.NoMigrate})
	if err != nil {
		return err
	}
	defer c.Close()
	return serve(ctx, c, stdout, nil)
}

// serve builds the node on top of the core services, runs built (when not
// nil) on it before it listens, listens, prints the address it serves on, and shuts down gracefully when ctx ends: the
// listener closes, in-flight requests finish, WebSocket clients are told to
// reconnect, background work stops.
func serve(ctx context.Context, c *core, stdout io.Writer, built func(context.Context, *node) error) error {
	ln, err := net.Listen("tcp", c.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.cfg.Listen, err)
	}
	if c.cfg.publicDerived {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		c.cfg.PublicURL.Host = net.JoinHostPort(c.cfg.PublicURL.Hostname(), port)
	}
	n, err := buildNode(ctx, c)
	if err != nil {
		ln.Close()
		return err
	}
	defer n.close()
	if built != nil {
		if err := built(ctx, n); err != nil {
			ln.Close()
			return err
		}
	}
	srv := &http.Server{
		Handler:           n.edge,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}

	bgCtx, stopBackground := context.WithCancel(ctx)
	defer stopBackground()
	var wg sync.WaitGroup
	start := func(name string, run func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(bgCtx); err != nil && bgCtx.Err() == nil {
				c.log.Error("background task stopped", "task", name, "err", err)
			}
		}()
	}
	if err := n.runBackground(bgCtx, start); err != nil {
		ln.Close()
		stopBackground()
		wg.Wait()
		return err
	}

	serveErr := make(chan error, 1)
	scheme := "http"
	if c.cfg.TLSCert != "" {
		scheme = "https"
		go func() { serveErr <- srv.ServeTLS(ln, c.cfg.TLSCert, c.cfg.TLSKey) }()
	} else {
		go func() { serveErr <- srv.Serve(ln) }()
	}
	c.log.Info("serving", "addr", ln.Addr().String(), "public_url", c.cfg.PublicURL.String())
	fmt.Fprintf(stdout, "haven: listening on %s://%s (public URL %s)\n", scheme, ln.Addr(), c.cfg.PublicURL)

	select {
	case err = <-serveErr:
	case <-ctx.Done():
	}
	shutCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	n.shutdown(shutCtx)
	if shutErr := srv.Shutdown(shutCtx); shutErr != nil {
		c.log.Warn("http shutdown", "err", shutErr)
	}
	stopBackground()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// every runs fn now and then every interval until ctx ends, reporting
// failures to onErr and carrying on.
func every(ctx context.Context, interval time.Duration, fn func(context.Context) (int64, error), onErr func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := fn(ctx); err != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"haven/portal/fault"
	"haven/push"
	"haven/web"
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
	return serve(ctx, c, stdout)
}

// serve builds the node on top of the core services, listens, prints the
// address it serves on, and shuts down gracefully when ctx ends.
func serve(ctx context.Context, c *core, stdout io.Writer) error {
	cfg := c.cfg
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	ready := readiness(c.pool)
	edge, err := web.New(web.Config{
		PublicURL:     cfg.PublicURL,
		SecureCookies: cfg.PublicURL.Scheme == "https" || !isLoopbackHost(cfg.PublicURL.Hostname()),
		HSTS:          cfg.TLSCert != "" || cfg.BehindProxy,
		BehindProxy:   cfg.BehindProxy,
		SessionIdle:   cfg.SessionIdle,
		SessionMax:    cfg.SessionMax,
	}, web.Deps{
		Accounts:  c.accounts,
		AccessLog: c.audit,
		Logger:    c.log,
		Ready: func(ctx context.Context) error {
			if err := ready(ctx); err != nil {
				return fault.Wrap(fault.New(fault.Unavailable, err.Error()), err)
			}
			return nil
		},
		Gatherer: reg,
	})
	if err != nil {
		return err
	}

	pusher, err := push.New(ctx, c.pool, c.keys, push.Config{Subject: cfg.PushSubject, Logger: c.log, Workers: 20})
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	srv := &http.Server{
		Handler:           edge,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	background := func(name string, run func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				c.log.Error("background task stopped", "task", name, "err", err)
			}
		}()
	}
	background("audit-chainer", c.audit.Chainer().Run)
	if err := pusher.Start(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("push: start reminder workers: %w", err)
	}
	defer func() {
		stopCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := pusher.Stop(stopCtx); err != nil {
			c.log.Warn("push: stop", "err", err)
		}
	}()
	background("session-purge", func(ctx context.Context) error {
		return every(ctx, time.Hour, c.accounts.Purge, func(err error) { c.log.Warn("session purge failed", "err", err) })
	})

	scheme := "http"
	serveErr := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			serveErr <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
			return
		}
		serveErr <- srv.Serve(ln)
	}()
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	c.log.Info("serving", "addr", ln.Addr().String(), "public_url", cfg.PublicURL.String())
	fmt.Fprintf(stdout, "haven: listening on %s://%s (public URL %s)\n", scheme, ln.Addr(), cfg.PublicURL)

	select {
	case err = <-serveErr:
	case <-ctx.Done():
	}
	cancel()
	shutCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	if shutErr := srv.Shutdown(shutCtx); shutErr != nil {
		c.log.Warn("shutdown", "err", shutErr)
	}
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

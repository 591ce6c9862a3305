package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"haven/chat"
	"haven/crisis"
	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/fhir"
	"haven/push"
	"haven/signaling"
	"haven/web"
)

// node is one running Haven: the HTTP edge and the real-time core built on
// the foundation services. Build it with buildNode, run its background work
// with runBackground, and close it with close.
type node struct {
	*core
	reg   *prometheus.Registry
	edge  *web.Server
	hub   *signaling.Hub
	push  *push.Service
	redis *redis.Client // nil on a single node
	domain
}

// buildNode wires every component. Nothing is listening yet.
func buildNode(ctx context.Context, c *core) (_ *node, err error) {
	n := &node{core: c, reg: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			n.close() // n, not the result: a failed build returns nil
		}
	}()
	n.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := n.buildHub(ctx); err != nil {
		return nil, err
	}
	n.push, err = push.New(ctx, c.pool, c.keys, push.Config{Subject: c.cfg.PushSubject, Logger: c.log, Workers: 20})
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	if err := n.buildDomain(); err != nil {
		return nil, err
	}
	if err := n.buildEdge(); err != nil {
		return nil, err
	}
	return n, n.mountRoutes()
}

// buildEdge builds the HTTP edge with its routes.
func (n *node) buildEdge() error {
	cfg, ready := n.cfg, readiness(n.pool)
	edge, err := web.New(web.Config{
		PublicURL:       cfg.PublicURL,
		SecureCookies:   cfg.PublicURL.Scheme == "https" || !isLoopbackHost(cfg.PublicURL.Hostname()),
		HSTS:            cfg.TLSCert != "" || cfg.BehindProxy,
		BehindProxy:     cfg.BehindProxy,
		SessionIdle:     cfg.SessionIdle,
		SessionMax:      cfg.SessionMax,
		EmergencyNumber: cfg.EmergencyNumber,
	}, web.Deps{
		Accounts:  n.accounts,
		AccessLog: n.audit,
		Logger:    n.log,
		Ready: func(ctx context.Context) error {
			if err := ready(ctx); err != nil {
				return fault.Wrap(fault.New(fault.Unavailable, "not ready: database unreachable or schema not current"), err)
			}
			return nil
		},
		Gatherer: n.reg,
		Push:     n.push,
		Crisis:   n.crisis,
		Visits:   n.visits,
		Meds:     n.meds,
		Measures: n.measures,
		Records:  n.records,
		Video:    n.video,
	})
	n.edge = edge
	return err
}

// mountRoutes mounts the services that bring their own HTTP handlers on
// the edge: the hub, chat attachments and the FHIR API.
func (n *node) mountRoutes() error {
	n.edge.Handle("GET /ws", n.hub)
	attachments := http.StripPrefix("/api/chat", n.chat.AttachmentHandler(func(r *http.Request) (chat.Actor, error) {
		u, ok := web.CurrentUser(r)
		if !ok {
			return chat.Actor{}, fault.New(fault.Unauthenticated, "sign in first")
		}
		return chat.Actor{UserID: u.ID, Role: string(u.Role)}, nil
	}))
	n.edge.Handle("POST /api/chat/conversations/{conversation}/attachments", n.edge.RequireUser(attachments))
	n.edge.Handle("GET /api/chat/attachments/{id}", n.edge.RequireUser(attachments))
	f, err := fhir.New(fhir.Deps{
		Accounts: n.accounts, Visits: n.visits, Meds: n.meds, Measures: n.measures, Records: n.records,
		Messages: fhirMessages{chat: n.chat, accounts: n.accounts},
		Audit:    n.audit,
		Actor: func(r *http.Request) (account.Actor, bool) {
			u, err := n.edge.Authenticate(r)
			return u.Actor, err == nil
		},
		BaseURL: strings.TrimSuffix(n.cfg.PublicURL.String(), "/") + "/fhir",
		Logger:  n.log,
	})
	if err != nil {
		return fmt.Errorf("fhir: %w", err)
	}
	n.edge.Handle("GET /fhir/", f) // authenticates by itself: /fhir/metadata needs no sign-in
	return nil
}

// buildHub builds the WebSocket hub at /ws: in-process fan-out on one
// node, Redis pub/sub and presence when REDIS_URL is set.
func (n *node) buildHub(ctx context.Context) error {
	opts := signaling.Options{
		Auth:        signaling.AuthenticatorFunc(n.wsIdentity),
		OriginHosts: []string{n.cfg.PublicURL.Host},
		Logger:      n.log,
	}
	if n.cfg.RedisURL != "" {
		ropts, err := redis.ParseURL(n.cfg.RedisURL)
		if err != nil {
			return fmt.Errorf("REDIS_URL: %w", err)
		}
		n.redis = redis.NewClient(ropts)
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := n.redis.Ping(pctx).Err(); err != nil {
			return fmt.Errorf("cannot reach Redis at %s: %w", ropts.Addr, err)
		}
		opts.Broker = signaling.NewRedisBroker(n.redis, signaling.RedisBrokerOptions{Prefix: "haven:", Logger: n.log})
		opts.Presence = signaling.NewRedisPresence(n.redis, "haven:", time.Minute)
	}
	hub, err := signaling.NewHub(opts)
	if err != nil {
		return err
	}
	n.hub = hub
	n.reg.MustRegister(hub.Collectors()...)
	return nil
}

// wsIdentity authenticates a WebSocket upgrade by its session cookie; only
// a fully signed-in session (second factor done) gets through.
func (n *node) wsIdentity(r *http.Request) (signaling.Identity, error) {
	u, err := n.edge.Authenticate(r)
	if err != nil {
		return signaling.Identity{}, err
	}
	return signaling.Identity{UserID: u.ID, Role: string(u.Role), SessionID: u.SessionID}, nil
}

// runBackground starts the node's background work through start, which
// runs each task until ctx ends and logs its failure.
func (n *node) runBackground(ctx context.Context, start func(name string, run func(context.Context) error)) error {
	start("audit-chainer", n.audit.Chainer().Run)
	start("session-purge", func(ctx context.Context) error {
		return every(ctx, time.Hour, n.accounts.Purge, func(err error) { n.log.Warn("session purge failed", "err", err) })
	})
	start("crisis-deadlines", n.crisis.Driver(crisis.DriverOptions{}).Run)
	start("waitlist-offers", func(ctx context.Context) error { return n.visits.RunExpiry(ctx, 0) })
	if err := n.push.Start(ctx); err != nil {
		return fmt.Errorf("push: start reminder workers: %w", err)
	}
	return nil
}

// shutdown stops accepting real-time work: WebSocket clients are told the
// server is going away (they reconnect elsewhere and resume), and reminder
// workers finish their current jobs.
func (n *node) shutdown(ctx context.Context) {
	if err := n.hub.Shutdown(ctx); err != nil {
		n.log.Warn("hub shutdown", "err", err)
	}
	n.closeDomain(ctx)
	if err := n.push.Stop(ctx); err != nil {
		n.log.Warn("push: stop", "err", err)
	}
}

// close releases what buildNode opened (not the core).
func (n *node) close() {
	if n.video != nil {
		n.video.Close() // idempotent: shutdown may have stopped it already
	}
	if n.sfu != nil {
		n.sfu.Close()
		n.sfu = nil
	}
	if n.redis != nil {
		n.redis.Close()
	}
}

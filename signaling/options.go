package signaling

import (
	"errors"
	"log/slog"
	"time"
)

// Options configures a Hub. Zero fields take the defaults documented on each
// field; only Auth is required.
type Options struct {
	// Auth establishes who is connecting. Required.
	Auth Authenticator
	// Router maps frame types to handlers. Nil: an empty Router, reachable
	// through Hub.Router.
	Router *Router
	// Broker carries events between nodes. Nil: an in-process broker with no
	// other node. The hub owns it from NewHub on and closes it in Shutdown.
	Broker Broker
	// Presence stores presence across nodes. Nil: an in-process store.
	Presence PresenceStore
	// OriginHosts lists the public host names (optionally with a port, e.g.
	// "portal.example.org") whose pages may open a WebSocket, in addition to
	// the request's own Host. Patterns follow path.Match. Never "*".
	OriginHosts []string
	// Logger receives operational logs (ids only). Nil: slog.Default().
	Logger *slog.Logger

	SendQueue      int           // frames waiting to be written per connection; default 256
	ReadLimit      int64         // largest frame accepted, in bytes; default 64 KiB
	PingInterval   time.Duration // WebSocket ping period; default 20 s
	PongTimeout    time.Duration // close when a ping is not answered within; default 10 s
	WriteTimeout   time.Duration // longest a batch of frames may take to write; default 10 s
	HelloTimeout   time.Duration // close when no hello arrives within; default 15 s
	HandlerTimeout time.Duration // context deadline given to frame handlers; default 5 s
	Rate           float64       // frames per second a client may send; default 30
	Burst          int           // token bucket depth; default 60
	// Strikes is how many frames over the rate limit (recovering one per
	// second) a client may send before it is closed with CloseRateLimited;
	// default 30.
	Strikes int
	// MaxBadFrames is how many malformed frames a connection may send before
	// it is closed with ClosePolicyViolation; default 10.
	MaxBadFrames int
	// PresenceRefresh is how often this node refreshes its presence entries
	// and re-reads watched users; default 20 s. The Redis store's entries
	// live for three times this period.
	PresenceRefresh time.Duration
}

func (o *Options) withDefaults() (Options, error) {
	c := *o
	if c.Auth == nil {
		return c, errors.New("signaling: Options.Auth is required")
	}
	for _, h := range c.OriginHosts {
		if h == "*" || h == "" {
			return c, errors.New("signaling: OriginHosts must name hosts, not \"*\"")
		}
	}
	if c.Router == nil {
		c.Router = NewRouter()
	}
	if c.Broker == nil {
		c.Broker = NewMemoryBroker()
	}
	if c.Presence == nil {
		c.Presence = NewMemoryPresence()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	setInt(&c.SendQueue, 256)
	setInt(&c.Burst, 60)
	setInt(&c.Strikes, 30)
	setInt(&c.MaxBadFrames, 10)
	if c.ReadLimit <= 0 {
		c.ReadLimit = 64 << 10
	}
	if c.Rate <= 0 {
		c.Rate = 30
	}
	setDur(&c.PingInterval, 20*time.Second)
	setDur(&c.PongTimeout, 10*time.Second)
	setDur(&c.WriteTimeout, 10*time.Second)
	setDur(&c.HelloTimeout, 15*time.Second)
	setDur(&c.HandlerTimeout, 5*time.Second)
	setDur(&c.PresenceRefresh, 20*time.Second)
	return c, nil
}

func setInt(p *int, def int) {
	if *p <= 0 {
		*p = def
	}
}

func setDur(p *time.Duration, def time.Duration) {
	if *p <= 0 {
		*p = def
	}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// config is everything the binary is told, parsed once from flags and the
// environment (flags win) and passed explicitly from here on.
type config struct {
	DatabaseURL string
	RedisURL    string
	Listen      string
	PublicURL   *url.URL
	// publicDerived: PublicURL was derived from Listen, so it follows the
	// port actually bound when Listen asks for port 0.
	publicDerived bool
	TLSCert       string
	TLSKey        string
	BehindProxy   bool
	KeyURI        string // where the sealing key-encryption key lives
	DataDir       string
	NoMigrate     bool
	SessionIdle   time.Duration
	SessionMax    time.Duration
	LogLevel      string
	PushSubject   string // VAPID contact: mailto: or https:

	// EmergencyNumber is the local emergency number shown beside 988.
	EmergencyNumber string
	// ReplyExpectation is what patients are told about reply times.
	ReplyExpectation time.Duration
	// ClinicPhone is named where patients are sent to call the clinic.
	ClinicPhone string

	// MediaUDP is the one UDP port of all video media; MediaTCP the
	// optional ICE-TCP listener; MediaPublicIPs the addresses advertised
	// for a node behind 1:1 NAT.
	MediaUDP       string
	MediaTCP       string
	MediaPublicIPs []string
	// TURNUDP, when set, runs the embedded TURN server there, relaying
	// from TURNPublicIP with short-lived credentials signed by TURNSecret.
	TURNUDP      string
	TURNPublicIP string
	TURNSecret   string
}

// envDefault returns getenv(key) or def.
func envDefault(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// envBool reads a boolean environment variable; an unparsable value is an error.
func envBool(getenv func(string) string, key string) (bool, error) {
	v := getenv(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", key, v)
	}
	return b, nil
}

// envDuration reads a duration environment variable with a default.
func envDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a duration such as 15m", key, v)
	}
	return d, nil
}

// registerConfigFlags declares the shared flags on fs, with defaults from the
// environment, and returns a function that validates and builds the config
// after fs.Parse.
func registerConfigFlags(fs *flag.FlagSet, getenv func(string) string) (func() (*config, error), error) {
	var envErrs []error
	boolEnv := func(key string) bool {
		b, err := envBool(getenv, key)
		envErrs = append(envErrs, err)
		return b
	}
	durEnv := func(key string, def time.Duration) time.Duration {
		d, err := envDuration(getenv, key, def)
		envErrs = append(envErrs, err)
		return d
	}
	c := &config{}
	var public string
	fs.StringVar(&c.DatabaseURL, "database-url", envDefault(getenv, "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven?sslmode=disable"), "PostgreSQL URL (DATABASE_URL)")
	fs.StringVar(&c.RedisURL, "redis-url", getenv("REDIS_URL"), "Redis URL; empty runs one node without Redis (REDIS_URL)")
	fs.StringVar(&c.Listen, "listen", envDefault(getenv, "HAVEN_LISTEN", "127.0.0.1:8080"), "address to listen on (HAVEN_LISTEN)")
	fs.StringVar(&public, "public-url", getenv("HAVEN_PUBLIC_URL"), "URL users reach Haven at; default http://<listen> (HAVEN_PUBLIC_URL)")
	fs.StringVar(&c.TLSCert, "tls-cert", getenv("HAVEN_TLS_CERT"), "TLS certificate file (HAVEN_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", getenv("HAVEN_TLS_KEY"), "TLS key file (HAVEN_TLS_KEY)")
	fs.BoolVar(&c.BehindProxy, "behind-proxy", boolEnv("HAVEN_BEHIND_PROXY"), "TLS ends at a reverse proxy in front of Haven (HAVEN_BEHIND_PROXY)")
	fs.StringVar(&c.DataDir, "data-dir", envDefault(getenv, "HAVEN_DATA_DIR", "haven-data"), "directory for local state such as the demo key file (HAVEN_DATA_DIR)")
	fs.StringVar(&c.KeyURI, "key-uri", getenv("HAVEN_KEY_URI"), "key-encryption key: file:///path (created on first start) or a KMS URI; default file in the data dir (HAVEN_KEY_URI)")
	fs.BoolVar(&c.NoMigrate, "no-migrate", boolEnv("HAVEN_NO_MIGRATE"), "do not migrate the database on start (HAVEN_NO_MIGRATE)")
	fs.DurationVar(&c.SessionIdle, "session-idle", durEnv("HAVEN_SESSION_IDLE", 15*time.Minute), "sign out after this long idle (HAVEN_SESSION_IDLE)")
	fs.DurationVar(&c.SessionMax, "session-max", durEnv("HAVEN_SESSION_MAX", 12*time.Hour), "sign out this long after sign-in (HAVEN_SESSION_MAX)")
	fs.StringVar(&c.PushSubject, "push-subject", getenv("HAVEN_PUSH_SUBJECT"), "contact push services may use: mailto:ops@clinic.example or an https URL; default the public URL when https (HAVEN_PUSH_SUBJECT)")
	fs.StringVar(&c.EmergencyNumber, "emergency-number", envDefault(getenv, "HAVEN_EMERGENCY_NUMBER", "911"), "local emergency number shown with 988, digits only (HAVEN_EMERGENCY_NUMBER)")
	fs.DurationVar(&c.ReplyExpectation, "reply-expectation", durEnv("HAVEN_REPLY_EXPECTATION", 24*time.Hour), "what patients are told about care-team reply times (HAVEN_REPLY_EXPECTATION)")
	fs.StringVar(&c.ClinicPhone, "clinic-phone", getenv("HAVEN_CLINIC_PHONE"), "the clinic's phone number, named where patients are sent to call (HAVEN_CLINIC_PHONE)")
	fs.StringVar(&c.MediaUDP, "media-udp", envDefault(getenv, "HAVEN_MEDIA_UDP", ":50000"), "UDP address all video media shares (HAVEN_MEDIA_UDP)")
	fs.StringVar(&c.MediaTCP, "media-tcp", getenv("HAVEN_MEDIA_TCP"), "ICE-TCP address for networks that block UDP; empty disables (HAVEN_MEDIA_TCP)")
	var publicIPs string
	fs.StringVar(&publicIPs, "media-public-ips", getenv("HAVEN_MEDIA_PUBLIC_IPS"), "comma-separated addresses to advertise for media behind 1:1 NAT (HAVEN_MEDIA_PUBLIC_IPS)")
	fs.StringVar(&c.TURNUDP, "turn-udp", getenv("HAVEN_TURN_UDP"), "run the embedded TURN server on this UDP address, e.g. :3478 (HAVEN_TURN_UDP)")
	fs.StringVar(&c.TURNPublicIP, "turn-public-ip", getenv("HAVEN_TURN_PUBLIC_IP"), "the TURN server's public relay address (HAVEN_TURN_PUBLIC_IP)")
	c.TURNSecret = getenv("HAVEN_TURN_SECRET") // a secret: environment only, never a flag
	fs.StringVar(&c.LogLevel, "log-level", envDefault(getenv, "HAVEN_LOG_LEVEL", "info"), "debug, info, warn or error (HAVEN_LOG_LEVEL)")
	if err := errors.Join(envErrs...); err != nil {
		return nil, err
	}
	return func() (*config, error) {
		for _, ip := range strings.Split(publicIPs, ",") {
			if ip = strings.TrimSpace(ip); ip != "" {
				c.MediaPublicIPs = append(c.MediaPublicIPs, ip)
			}
		}
		if err := c.finish(public); err != nil {
			return nil, err
		}
		return c, nil
	}, nil
}

// finish validates the parsed values and fills derived ones.
func (c *config) finish(public string) error {
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is empty: set it to a PostgreSQL URL"))
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL"))
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, errors.New("REDIS_URL must be a redis:// or rediss:// URL"))
		}
	}
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		errs = append(errs, fmt.Errorf("listen address %q: want host:port", c.Listen))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("give both --tls-cert and --tls-key, or neither"))
	}
	if c.TLSCert != "" && c.BehindProxy {
		errs = append(errs, errors.New("--tls-cert and --behind-proxy exclude each other"))
	}
	if public == "" {
		c.publicDerived = true
		scheme := "http"
		if c.TLSCert != "" {
			scheme = "https"
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		_, port, _ := net.SplitHostPort(c.Listen)
		public = scheme + "://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(public)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("public URL %q: want http(s)://host[:port]", public))
	} else {
		c.PublicURL = u
		if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
			errs = append(errs, errors.New("a public URL other than localhost must be https: give --tls-cert/--tls-key or --behind-proxy with an https public URL"))
		}
		if u.Scheme == "https" && c.TLSCert == "" && !c.BehindProxy {
			errs = append(errs, errors.New("an https public URL needs --tls-cert/--tls-key, or --behind-proxy when a proxy ends TLS"))
		}
	}
	if c.SessionIdle < time.Minute || c.SessionMax < c.SessionIdle {
		errs = append(errs, errors.New("session timeouts: idle must be at least 1m and no longer than the absolute limit"))
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.PushSubject == "" && c.PublicURL != nil {
		c.PushSubject = "mailto:webpush@localhost"
		if c.PublicURL.Scheme == "https" {
			c.PushSubject = c.PublicURL.String()
		}
	}
	if c.PushSubject != "" && !strings.HasPrefix(c.PushSubject, "mailto:") && !strings.HasPrefix(c.PushSubject, "https://") {
		errs = append(errs, errors.New("push subject must be a mailto: or https:// URL"))
	}
	errs = append(errs, c.checkCare()...)
	if c.KeyURI == "" {
		c.KeyURI = "file://" + strings.TrimSuffix(c.DataDir, "/") + "/kek.json"
	}
	return errors.Join(errs...)
}

// checkCare validates the settings of the real-time and clinical services.
func (c *config) checkCare() (errs []error) {
	if c.EmergencyNumber == "" || strings.Trim(c.EmergencyNumber, "0123456789") != "" {
		errs = append(errs, fmt.Errorf("emergency number %q: digits only, such as 911 or 112", c.EmergencyNumber))
	}
	if c.ReplyExpectation < time.Minute {
		errs = append(errs, errors.New("reply expectation must be at least 1m"))
	}
	if _, _, err := net.SplitHostPort(c.MediaUDP); err != nil {
		errs = append(errs, fmt.Errorf("media UDP address %q: want host:port", c.MediaUDP))
	}
	if c.MediaTCP != "" {
		if _, _, err := net.SplitHostPort(c.MediaTCP); err != nil {
			errs = append(errs, fmt.Errorf("media TCP address %q: want host:port", c.MediaTCP))
		}
	}
	for _, ip := range c.MediaPublicIPs {
		if net.ParseIP(ip) == nil {
			errs = append(errs, fmt.Errorf("media public IP %q is not an IP address", ip))
		}
	}
	if c.TURNUDP != "" {
		if net.ParseIP(c.TURNPublicIP) == nil {
			errs = append(errs, errors.New("--turn-udp needs --turn-public-ip, the address clients relay through"))
		}
		if len(c.TURNSecret) < 16 {
			errs = append(errs, errors.New("--turn-udp needs HAVEN_TURN_SECRET of at least 16 characters"))
		}
	}
	return errs
}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// usage prints the subcommands.
func usage(w io.Writer) {
	fmt.Fprint(w, `usage: portal <command> [flags]

commands:
  serve            run the portal (migrates first unless --no-migrate)
  migrate          apply pending database migrations
  users add        create a staff or patient account
  users invite     create a one-time patient invitation link
  users disable    disable an account and end its sessions
  audit verify     check the audit log's hash chain
  demo             seed a demo clinic and run the portal
  bench <what>     run a load generator (hub, media, crisis, push)

Run "portal <command> -h" for the flags of a command.
`)
}

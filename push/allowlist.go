package push

import (
	"net"
	"net/url"
	"strings"

	"haven/portal/fault"
)

// maxEndpointLen bounds a subscription endpoint (real ones are under 600 bytes).
const maxEndpointLen = 2048

// ErrUnknownPushService means an endpoint is not an https URL of an
// allow-listed push service. Accepting any URL would let a user make the
// server post to internal addresses (request forgery).
var ErrUnknownPushService = fault.New(fault.Invalid, "unknown push service")

// Allowlist is the set of push service hosts the server posts to. An entry
// is an exact host name ("fcm.googleapis.com") or "*." and a suffix
// ("*.notify.windows.com"), which matches any host below the suffix but not
// the suffix itself.
type Allowlist []string

// DefaultAllowlist returns the push services of Chrome, Firefox, Edge and
// Safari.
func DefaultAllowlist() Allowlist {
	return Allowlist{
		"fcm.googleapis.com",
		"updates.push.services.mozilla.com",
		"*.notify.windows.com",
		"web.push.apple.com",
		"*.push.apple.com",
	}
}

// Check returns nil when endpoint is an https URL on an allow-listed host,
// without user information, fragment, IP-literal host or a port other than
// 443, and ErrUnknownPushService otherwise.
func (a Allowlist) Check(endpoint string) error {
	if len(endpoint) > maxEndpointLen {
		return ErrUnknownPushService
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.Opaque != "" || u.User != nil || u.Fragment != "" || strings.Contains(endpoint, "#") {
		return ErrUnknownPushService
	}
	if p := u.Port(); p != "" && p != "443" {
		return ErrUnknownPushService
	}
	host := u.Hostname()
	if host == "" || net.ParseIP(host) != nil || strings.ContainsAny(host, "%[]") {
		return ErrUnknownPushService
	}
	if !a.allows(strings.ToLower(host)) {
		return ErrUnknownPushService
	}
	return nil
}

// allows reports whether the lower-case host matches an entry.
func (a Allowlist) allows(host string) bool {
	for _, entry := range a {
		entry = strings.ToLower(entry)
		if suffix, ok := strings.CutPrefix(entry, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) && len(host) > len(suffix)+1 && !strings.HasPrefix(host, ".") && !strings.Contains(host, "..") {
				return true
			}
			continue
		}
		if host == entry {
			return true
		}
	}
	return false
}

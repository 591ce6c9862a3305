package web

import (
	"bytes"
	"fmt"
	"regexp"
)

// DefaultEmergencyNumber is the local emergency number when
// Config.EmergencyNumber is empty (the United States).
const DefaultEmergencyNumber = "911"

// emergencyPlaceholder marks the emergency number in the root documents:
// the shell (its footer and the meta tag the crisis page reads, so the page
// needs no server round trip) and the service worker (so a changed number
// installs a new worker, which refreshes the cached pages).
const emergencyPlaceholder = "__EMERGENCY_NUMBER__"

// emergencyNumberRE admits dialable short numbers: 911, 112, 999, 000, 1122.
var emergencyNumberRE = regexp.MustCompile(`^[0-9]{2,8}$`)

// useEmergencyNumber fills the emergency number into the root documents and
// returns it; "" means DefaultEmergencyNumber. Anything but 2 to 8 digits
// is refused.
func (a *assets) useEmergencyNumber(n string) (string, error) {
	if n == "" {
		n = DefaultEmergencyNumber
	}
	if !emergencyNumberRE.MatchString(n) {
		return "", fmt.Errorf("web: Config.EmergencyNumber %q must be 2 to 8 digits", n)
	}
	for name, f := range a.root {
		if bytes.Contains(f.body, []byte(emergencyPlaceholder)) {
			a.root[name] = newAsset(name, bytes.ReplaceAll(f.body, []byte(emergencyPlaceholder), []byte(n)))
		}
	}
	return n, nil
}

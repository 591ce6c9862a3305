package web

import "strings"

// uaBrowsers and uaSystems name a browser and an operating system by a
// token of the User-Agent, first match wins (Edge and Opera also say
// "Chrome", Chrome also says "Safari").
var (
	uaBrowsers = [][2]string{
		{"Edg", "Edge"}, {"SamsungBrowser/", "Samsung Internet"}, {"OPR/", "Opera"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"}, {"CriOS/", "Chrome"},
		{"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Safari/", "Safari"},
	}
	uaSystems = [][2]string{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "Mac"}, {"Linux", "Linux"},
	}
)

// deviceLabel names a device for the user's device list from its
// User-Agent: "Chrome on Android", "Safari on iPhone", "Firefox". It is
// always one of a few fixed phrases, never text taken from the header.
func deviceLabel(userAgent string) string {
	browser := uaMatch(userAgent, uaBrowsers)
	system := uaMatch(userAgent, uaSystems)
	switch {
	case browser == "" && system == "":
		return "Web browser"
	case browser == "":
		return "Browser on " + system
	case system == "":
		return browser
	}
	return browser + " on " + system
}

func uaMatch(ua string, table [][2]string) string {
	for _, e := range table {
		if strings.Contains(ua, e[0]) {
			return e[1]
		}
	}
	return ""
}

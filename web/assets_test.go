package web

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

func TestAssetsAreCachedByContentHash(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	bundle := h.srv.ui.bundle

	r := c.do("GET", "/assets/"+bundle+"/js/app.js", nil).want(t, 200)
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("current bundle Cache-Control %q", cc)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	c.do("GET", "/assets/"+bundle+"/js/app.js", nil, "If-None-Match", etag).want(t, 304)

	old := c.do("GET", "/assets/0123456789abcdef/js/app.js", nil).want(t, 200)
	if cc := old.header.Get("Cache-Control"); cc != "no-cache" {
		t.Fatalf("other bundle Cache-Control %q", cc)
	}
	c.do("GET", "/assets/"+bundle+"/nope.js", nil).want(t, 404)
	if r := c.do("GET", "/assets/"+bundle+"/../../server.go", nil); r.status == 200 {
		t.Fatal("a path outside the UI was served")
	}

	page := c.do("GET", "/home", nil).want(t, 200)
	if cc := page.header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("HTML Cache-Control %q", cc)
	}
	if !strings.Contains(string(page.body), `src="/assets/`+bundle+`/js/app.js"`) || strings.Contains(string(page.body), "/assets/_/") {
		t.Fatal("the page does not name the current bundle")
	}
	for _, p := range []string{"/sw.js", "/manifest.webmanifest"} {
		if cc := c.do("GET", p, nil).want(t, 200).header.Get("Cache-Control"); cc != "no-cache" {
			t.Fatalf("%s Cache-Control %q", p, cc)
		}
	}
	sw := string(c.do("GET", "/sw.js", nil).body)
	if !strings.Contains(sw, `"/assets/`+bundle+`/js/app.js"`) || !strings.Contains(sw, "'"+bundle+"'") {
		t.Fatalf("service worker does not list the bundle:\n%s", sw)
	}
}

func TestManifestIsInstallable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	r := c.do("GET", "/manifest.webmanifest", nil).want(t, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/manifest+json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var m struct {
		Name, ShortName, StartURL, Display string
		Icons                              []struct{ Src, Sizes, Type, Purpose string }
	}
	raw := strings.NewReplacer(`"short_name"`, `"ShortName"`, `"start_url"`, `"StartURL"`).Replace(string(r.body))
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name == "" || m.ShortName == "" || m.StartURL != "/" || m.Display != "standalone" {
		t.Fatalf("manifest %+v", m)
	}
	sizes := map[string]bool{}
	for _, icon := range m.Icons {
		c.do("GET", icon.Src, nil).want(t, 200)
		sizes[icon.Sizes] = true
	}
	if !sizes["192x192"] || !sizes["512x512"] {
		t.Fatalf("manifest icons %+v: want 192 and 512 px", m.Icons)
	}
}

var importRE = regexp.MustCompile(`(?m)^import .* from '(\.[^']+)';$`)

// TestModulesResolve checks that every relative import names an embedded
// module, so a typo cannot ship a blank page.
func TestModulesResolve(t *testing.T) {
	t.Parallel()
	err := fs.WalkDir(ui, "ui/assets/js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(ui, p)
		if err != nil {
			return err
		}
		for _, m := range importRE.FindAllStringSubmatch(string(src), -1) {
			target := path.Join(path.Dir(p), m[1])
			if _, err := fs.Stat(ui, target); err != nil {
				t.Errorf("%s imports %s, which does not exist", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUIHasNothingTheCSPWouldBlock looks for inline scripts and styles and
// for the APIs that turn strings into markup or code.
func TestUIHasNothingTheCSPWouldBlock(t *testing.T) {
	t.Parallel()
	forbidden := map[string][]string{
		".html": {"<style", " style=", "onclick=", "onload=", "javascript:"},
		".js":   {"innerHTML", "outerHTML =", "insertAdjacentHTML", "eval(", "new Function", "document.write", ".style.", "setAttribute('style'"},
	}
	err := fs.WalkDir(ui, "ui", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		bad, ok := forbidden[path.Ext(p)]
		if !ok {
			return nil
		}
		src, err := fs.ReadFile(ui, p)
		if err != nil {
			return err
		}
		for _, b := range bad {
			if strings.Contains(string(src), b) {
				t.Errorf("%s contains %q", p, b)
			}
		}
		if path.Ext(p) == ".html" && regexp.MustCompile(`<script(?: [^>]*)?>[^<]+</script>`).Match(src) {
			t.Errorf("%s has an inline script", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

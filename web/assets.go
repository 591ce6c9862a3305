package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

// ui is the embedded UI shell. Files under ui/assets are served at
// /assets/<bundle hash>/…, so a release changes every asset URL at once and
// browsers may cache them for a year; ES modules import each other with
// relative paths and so stay within one bundle. The root documents
// (index.html, sw.js, manifest.webmanifest) name assets as /assets/_/…,
// which is rewritten to the current bundle when they are loaded.
//
//go:embed ui
var ui embed.FS

// assetPlaceholder is the bundle prefix written in the root documents.
const assetPlaceholder = "/assets/_/"

// asset is one file ready to serve.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// assets is the loaded UI: the hashed bundle and the templated root files.
type assets struct {
	bundle string           // hash of everything under ui/assets
	files  map[string]asset // by path under ui/assets
	root   map[string]asset // index.html, sw.js, manifest.webmanifest
}

// loadAssets reads the embedded UI and computes its hashes.
func loadAssets() (*assets, error) {
	a := &assets{files: map[string]asset{}, root: map[string]asset{}}
	sum := sha256.New()
	err := fs.WalkDir(ui, "ui/assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(ui, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "ui/assets/")
		sum.Write([]byte(rel + "\x00"))
		sum.Write(body)
		a.files[rel] = newAsset(rel, body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.bundle = hex.EncodeToString(sum.Sum(nil))[:16]
	prefix := []byte("/assets/" + a.bundle + "/")
	urls := make([]string, 0, len(a.files))
	for rel := range a.files {
		urls = append(urls, string(prefix)+rel)
	}
	sort.Strings(urls)
	list, err := json.Marshal(urls)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"index.html", "sw.js", "manifest.webmanifest"} {
		body, err := fs.ReadFile(ui, "ui/"+name)
		if err != nil {
			return nil, err
		}
		body = bytes.ReplaceAll(body, []byte(assetPlaceholder), prefix)
		body = bytes.ReplaceAll(body, []byte("__BUNDLE__"), []byte(a.bundle))
		body = bytes.ReplaceAll(body, []byte("/*__ASSETS__*/[]"), list)
		a.root[name] = newAsset(name, body)
	}
	return a, nil
}

func newAsset(name string, body []byte) asset {
	h := sha256.Sum256(body)
	return asset{body: body, etag: `"` + hex.EncodeToString(h[:])[:20] + `"`, contentType: contentTypeOf(name)}
}

// contentTypeOf names the media type by extension, independent of the
// host's mime tables.
func contentTypeOf(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".webmanifest":
		return "application/manifest+json"
	case ".json":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// serve writes f with its ETag (answering If-None-Match with 304) and the
// given Cache-Control.
func serveAsset(w http.ResponseWriter, r *http.Request, f asset, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", cacheControl)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

// handleAsset serves /assets/{bundle}/{path...}. The current bundle is
// cacheable for a year; another bundle id (a page from before a release)
// gets the current file, revalidated on every use.
func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	f, ok := s.ui.files[r.PathValue("path")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	cache := "no-cache"
	if r.PathValue("bundle") == s.ui.bundle {
		cache = "public, max-age=31536000, immutable"
	}
	serveAsset(w, r, f, cache)
}

// handlePage serves the UI shell for every page of the app; the ES modules
// render the page named by the path. HTML is never stored.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, s.ui.root["index.html"], "no-store")
}

// handleRootFile serves the service worker or the manifest, which must live
// at the root; browsers revalidate them on every use.
func (s *Server) handleRootFile(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		serveAsset(w, r, s.ui.root[name], "no-cache")
	}
}

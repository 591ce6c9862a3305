// Package web is Haven's HTTP edge: the routes (all listed in routes.go),
// the middleware every request passes through (panic recovery, request ids,
// metrics, security headers, cross-origin protection, sessions), the JSON
// API handlers over portal/account and portal/audit, and the embedded UI
// shell in web/ui (HTML, CSS and ES modules; no build step).
//
// The error model is portal/fault: handlers return errors, and one table in
// status.go maps fault codes to HTTP statuses. Every error body is
//
//	{"error":{"code":"not_found","message":"…"}}
//
// where the message is safe to show a user. Unclassified errors are logged
// with the request id, route and user id and shown as "internal error".
//
// Other packages mount their handlers with Server.Handle before the server
// starts serving. Nothing imports web, so cmd/portal adapts: RequireUser
// lets only fully signed-in sessions through and CurrentUser tells the
// wrapped handler who is calling, for example
//
//	srv.Handle("GET /ws", srv.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		u, _ := web.CurrentUser(r)
//		hub.Accept(w, r, u.ID, string(u.Role))
//	})))
//
// or a handler calls Server.Authenticate itself.
//
// The UI is one HTML shell (ui/index.html) for every app path listed in
// routes.go; ui/assets/js/app.js maps each path to a view module. A new
// page needs both. Assets are served under /assets/<hash of the bundle>/
// with a one-year cache; ui/sw.js keeps the shell for offline use.
package web

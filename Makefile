# The two commands of the README. Each starts (or installs) what it needs.

.PHONY: demo test

# Run the portal with a demo clinic at http://localhost:8080.
demo:
	bash .ci/services postgres
	go run ./cmd/portal demo

# Run every test against real PostgreSQL, Redis and headless Chromium.
test:
	bash .ci/services postgres redis chromium
	go test -race -count=1 -timeout 12m ./...

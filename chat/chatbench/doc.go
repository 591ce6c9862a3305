// Package chatbench measures the hub and chat under load, for
// "portal bench hub": connections held and memory per connection, sustained
// durable messages per second with send-to-delivery latency, on one node
// and across two nodes. It drives a running server only through its
// WebSocket protocol (chat.open, chat.send, chat.message) and creates its
// users with plain SQL in the server's database.
package chatbench

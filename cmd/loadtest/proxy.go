package main

import (
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
)

// upstreamProxy sits between the panel and a sandbox process. It counts the
// TCP connections the panel opens to its Admin API (new connections per page
// should be about zero: the client keeps them alive), and on request drops a
// share of calls by closing the connection: half of them before the call
// reaches the sandbox, half after the sandbox has done it but before its
// answer reaches the panel (the case a write's "outcome unknown" is for).
//
// It works on bytes, not HTTP: the panel's client sends one request at a
// time per connection, so the first bytes from the panel after an answer
// start a new call and the first bytes from the sandbox after a request
// start its answer.
type upstreamProxy struct {
	ln     net.Listener
	target string

	mu       sync.Mutex
	dropRate float64

	conns   atomic.Int64
	dropped atomic.Int64
}

func newUpstreamProxy(target string) (*upstreamProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &upstreamProxy{ln: ln, target: target}
	go p.serve()
	return p, nil
}

// Addr is host:port the panel should call.
func (p *upstreamProxy) Addr() string { return p.ln.Addr().String() }

func (p *upstreamProxy) Close() error { return p.ln.Close() }

func (p *upstreamProxy) setDropRate(r float64) {
	p.mu.Lock()
	p.dropRate = r
	p.mu.Unlock()
}

// doom decides, as a call starts, whether to drop it and where: before it
// reaches the sandbox or after the sandbox has answered.
func (p *upstreamProxy) doom() (drop, afterAnswer bool) {
	p.mu.Lock()
	r := p.dropRate
	p.mu.Unlock()
	if r <= 0 || rand.Float64() >= r {
		return false, false
	}
	return true, rand.IntN(2) == 1
}

func (p *upstreamProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		go p.handle(c)
	}
}

// phase is which side spoke last on a connection.
type phase int

const (
	idle phase = iota
	requesting
	answering
)

func (p *upstreamProxy) handle(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	var (
		mu     sync.Mutex
		state  = idle
		doomed bool // the call in flight is to lose its answer
		once   sync.Once
	)
	closeBoth := func() {
		once.Do(func() {
			client.Close()
			server.Close()
		})
	}
	// turn records that side now speaks; it reports false when this call is
	// to be dropped at this point.
	turn := func(next phase) bool {
		mu.Lock()
		defer mu.Unlock()
		if state == next {
			return true
		}
		state = next
		switch next {
		case requesting:
			drop, after := p.doom()
			if drop && !after {
				p.dropped.Add(1)
				return false
			}
			doomed = drop
		case answering:
			if doomed {
				p.dropped.Add(1)
				return false
			}
		}
		return true
	}
	pump := func(dst, src net.Conn, side phase) {
		defer closeBoth()
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if !turn(side) {
					return
				}
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil { // EOF or a closed connection: end both directions
				return
			}
		}
	}
	go pump(server, client, requesting)
	pump(client, server, answering)
}

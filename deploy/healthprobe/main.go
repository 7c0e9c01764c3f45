// Command healthprobe is the Docker image's health check: the image has no
// shell and no curl, so this tiny static program asks the process beside it
// over loopback and exits 0 when it answers as expected, 1 otherwise. It
// speaks just enough HTTP/1.0 for that, without net/http, to stay small.
//
//	healthprobe                                   GET /healthz on BACKOFFICE_ADDR's port, want 200
//	healthprobe -path /api/products/list_products -want 401   the sandbox service (alive: it asks for credentials)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "", "host:port to ask (default: 127.0.0.1 and the port of BACKOFFICE_ADDR, else 8080)")
	path := flag.String("path", "/healthz", "path to GET")
	want := flag.String("want", "200", "the status code that means healthy")
	timeout := flag.Duration("timeout", 3*time.Second, "give up after this long")
	flag.Parse()
	if *addr == "" {
		*addr = localAddr(os.Getenv("BACKOFFICE_ADDR"))
	}
	if err := probe(*addr, *path, *want, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		os.Exit(1)
	}
}

// localAddr turns a listen address (":8080", "0.0.0.0:9090") into the
// loopback address to ask.
func localAddr(listen string) string {
	_, port, err := net.SplitHostPort(listen)
	if err != nil || port == "" || port == "0" {
		port = "8080"
	}
	return net.JoinHostPort("127.0.0.1", port)
}

func probe(addr, path, want string, timeout time.Duration) error {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: healthprobe\r\n\r\n", path, addr); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no answer: %w", err)
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return fmt.Errorf("not an HTTP answer: %q", strings.TrimSpace(line))
	}
	if f[1] != want {
		return fmt.Errorf("status %s, want %s", f[1], want)
	}
	return nil
}

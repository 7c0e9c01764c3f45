// Command backoffice is a web panel for a merchant's team in front of the
// 2Checkout Admin API. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"backoffice/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

package handlers

import (
	"bytes"
	"sync"
)

// bufPool recycles render buffers; a 20-row page is a few kilobytes, and
// reusing the buffers keeps the hot path free of large allocations.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

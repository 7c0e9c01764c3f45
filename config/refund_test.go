package config

import (
	"io"
	"strings"
	"testing"
)

func TestRefundApprovalOver(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "BACKOFFICE_REFUND_APPROVAL_OVER" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name     string
		env      string
		args     []string
		approval bool
		cents    int64
	}{
		{"default: every refund needs approval", "", nil, true, 0},
		{"limit from the environment", "250", nil, true, 25000},
		{"limit with cents", " 99.5 ", nil, true, 9950},
		{"none from the environment", "none", nil, false, 0},
		{"off, any case", "OFF", nil, false, 0},
		{"flag wins over the variable", "none", []string{"--refund-approval-over", "12.34"}, true, 1234},
		{"empty flag: no approvals", "100", []string{"--refund-approval-over="}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := Load("test", tc.args, env(tc.env), io.Discard, nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.RefundApprovals != tc.approval || c.RefundApprovalOverCents != tc.cents {
				t.Errorf("approvals %v over %d, want %v over %d", c.RefundApprovals, c.RefundApprovalOverCents, tc.approval, tc.cents)
			}
		})
	}
	for _, bad := range []string{"-1", "1e3", "12,50", "1.005", "USD 10", "lots"} {
		_, _, err := Load("test", nil, env(bad), io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), "BACKOFFICE_REFUND_APPROVAL_OVER") {
			t.Errorf("%q: err = %v, want a message naming the variable", bad, err)
		}
	}
}

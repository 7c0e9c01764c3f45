package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Shipment is one parcel marked shipped through the panel.
type Shipment struct {
	ID             int64
	UserID         int64
	SaleID         string
	InvoiceID      string
	TrackingNumber string // stored normalised: upper case, no spaces
	Customer       string
	At             time.Time
}

// NormalizeTracking is the form tracking numbers are compared in: scanners
// and people type the same label with different case and spacing.
func NormalizeTracking(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// RecordShipment remembers a parcel that 2Checkout marked shipped.
func (s *Store) RecordShipment(ctx context.Context, sh *Shipment) error {
	sh.TrackingNumber = NormalizeTracking(sh.TrackingNumber)
	var id int64
	err := s.queryRow(ctx, s.db, `INSERT INTO shipments (user_id, sale_id, invoice_id, tracking_number, customer, at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		sh.UserID, sh.SaleID, sh.InvoiceID, sh.TrackingNumber, sh.Customer, micros(sh.At)).Scan(&id)
	if err != nil {
		return fmt.Errorf("store: record shipment of sale %s: %w", sh.SaleID, mapErr(err))
	}
	sh.ID = id
	return nil
}

// ShipmentsByTracking lists the parcels shipped with a tracking number,
// newest first.
func (s *Store) ShipmentsByTracking(ctx context.Context, tracking string) ([]Shipment, error) {
	return s.shipments(ctx, `WHERE tracking_number = ? ORDER BY id DESC LIMIT 20`, NormalizeTracking(tracking))
}

// ShipmentsByUserSince lists a person's parcels since a time (their shift),
// newest first.
func (s *Store) ShipmentsByUserSince(ctx context.Context, userID int64, since time.Time, limit int) ([]Shipment, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.shipments(ctx, `WHERE user_id = ? AND at >= ? ORDER BY id DESC`+limitClause(limit), userID, micros(since))
}

func (s *Store) shipments(ctx context.Context, where string, args ...any) ([]Shipment, error) {
	rows, err := s.query(ctx, s.db, `SELECT id, user_id, sale_id, invoice_id, tracking_number, customer, at FROM shipments `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list shipments: %w", err)
	}
	defer rows.Close()
	var out []Shipment
	for rows.Next() {
		var sh Shipment
		var at int64
		if err := rows.Scan(&sh.ID, &sh.UserID, &sh.SaleID, &sh.InvoiceID, &sh.TrackingNumber, &sh.Customer, &at); err != nil {
			return nil, fmt.Errorf("store: list shipments: %w", mapErr(err))
		}
		sh.At = fromMicros(at)
		out = append(out, sh)
	}
	return out, rows.Err()
}

package money

import "strconv"

// Category is a reason for a refund, from the API's list of 17 (admin-api.md
// §3.3), in plain words.
type Category struct {
	ID    int
	Words string
}

// CategoryInternal is the category 2Checkout keeps for itself: the API
// answers FORBIDDEN to it, so the panel never offers it.
const CategoryInternal = 7

// The API's words are kept recognisable; they are only made into sentences.
var categoryWords = [18]string{
	1:  "The buyer did not receive the order",
	2:  "The buyer did not like the item",
	3:  "The item or items were not as described",
	4:  "Fraud",
	5:  "Another reason",
	6:  "The item is not available",
	7:  "Internal to 2Checkout",
	8:  "The buyer got no response from us",
	9:  "Last installment of a subscription",
	10: "Cancellation",
	11: "Billed in error",
	12: "Prohibited product",
	13: "Service refunded at our own request",
	14: "Not delivered",
	15: "Not as described",
	16: "Out of stock",
	17: "Duplicate order",
}

// Categories lists the reasons a person may choose, in the API's order;
// category 7 is not among them.
func Categories() []Category {
	out := make([]Category, 0, 16)
	for id := 1; id <= 17; id++ {
		if id != CategoryInternal {
			out = append(out, Category{ID: id, Words: categoryWords[id]})
		}
	}
	return out
}

// CategoryWords names any category 1-17 (7 too, for records made
// elsewhere); "Category N" for a number outside the list.
func CategoryWords(id int) string {
	if id >= 1 && id <= 17 {
		return categoryWords[id]
	}
	return "Category " + strconv.Itoa(id)
}

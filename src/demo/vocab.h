// Word lists for the demo's generated documents, tables, charts and
// screens: realistic names so the engines see the kind of text they meet in
// production, not lorem ipsum.
#ifndef MMGATE_DEMO_VOCAB_H_
#define MMGATE_DEMO_VOCAB_H_

#include <string>
#include <string_view>

#include "perturb/random.h"

namespace mmgate::demo::vocab {

inline constexpr std::string_view kCompanies[] = {
    "Northwind Traders",      "Bluebell Logistics",   "Harbor & Finch Ltd",
    "Crescent Office Supply", "Oakridge Analytics",   "Summit Print Works",
    "Riverside Dental Group", "Kestrel Engineering",  "Maple Lane Bakery",
    "Ironwood Hardware",      "Silverline Couriers",  "Brightwater Labs",
    "Granite Peak Outdoors",  "Copperfield Catering", "Lakeshore Medical",
    "Willow & Stone Design",  "Atlas Freight Co",     "Evergreen Florists",
    "Pioneer Auto Parts",     "Redwood Consulting",
};

inline constexpr std::string_view kStores[] = {
    "FRESH MART",     "CORNER GROCER",  "CITY PHARMACY", "GREEN BASKET",
    "DAILY NEEDS",    "HILLTOP MARKET", "PARKSIDE DELI", "BEAN & LEAF CAFE",
    "VALUE HARDWARE", "SUNRISE FOODS",
};

inline constexpr std::string_view kStreets[] = {
    "Market Street", "Elm Avenue",  "Station Road",  "King Street",
    "Harbour View",  "Mill Lane",   "Cedar Drive",   "Victoria Road",
    "Bridge Street", "Orchard Way", "Park Crescent", "High Street",
};

inline constexpr std::string_view kCities[] = {
    "Portland",   "Leeds",     "Denver", "Bristol", "Austin",
    "Glasgow",    "Sheffield", "Boston", "Cardiff", "Seattle",
    "Nottingham", "Phoenix",   "Dublin", "Chicago", "York",
};

inline constexpr std::string_view kFirstNames[] = {
    "Maria", "James",  "Aisha", "Tom",    "Priya", "Daniel", "Chen",
    "Laura", "Omar",   "Sofia", "Kevin",  "Emma",  "Lucas",  "Grace",
    "Ravi",  "Hannah", "Mateo", "Olivia", "Sam",   "Nadia",
};

inline constexpr std::string_view kLastNames[] = {
    "Garcia",   "Smith",  "Patel",   "Nguyen", "Okafor",  "Brown",
    "Kowalski", "Murphy", "Rossi",   "Walker", "Fischer", "Ahmed",
    "Taylor",   "Silva",  "Johnson", "Khan",   "Moreau",  "Clarke",
};

inline constexpr std::string_view kGroceries[] = {
    "Oat Milk 1L",    "Sourdough Loaf", "Free Range Eggs",  "Cheddar 400g",
    "Bananas",        "Greek Yogurt",   "Basmati Rice 1kg", "Olive Oil",
    "Coffee Beans",   "Pasta Fusilli",  "Tomato Passata",   "Spinach Bag",
    "Dish Soap",      "Paper Towels",   "Orange Juice",     "Peanut Butter",
    "Chicken Thighs", "Apples 6pk",     "Dark Chocolate",   "Sparkling Water",
};

inline constexpr std::string_view kServices[] = {
    "Consulting services",   "Website maintenance", "Delivery charge",
    "Printer toner (black)", "Office chairs",       "Annual support plan",
    "Network cabling",       "Catering for 25",     "Design revisions",
    "Safety inspection",     "Data backup service", "Training workshop",
};

inline constexpr std::string_view kProducts[] = {
    "Desk Lamp",  "USB-C Cable", "Notebook A5", "Water Bottle",
    "Headphones", "Phone Stand", "Backpack",    "Mouse Pad",
    "Wall Clock", "Travel Mug",  "Keyboard",    "Webcam",
};

inline constexpr std::string_view kRegions[] = {
    "North", "South", "East", "West", "Central", "Coastal",
};

inline constexpr std::string_view kMonths[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

inline constexpr std::string_view kMonthNames[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

inline constexpr std::string_view kWeekdays[] = {"Mon", "Tue", "Wed", "Thu",
                                                 "Fri", "Sat", "Sun"};

// "$1,234.50"-style money with thousands separators.
std::string Money(double amount, std::string_view symbol = "$");
// Thousands separators for a whole number: 12345 -> "12,345".
std::string Grouped(long value);
struct DateParts {
  int year, month, day;  // day 1-28, so any month holds it
};
DateParts RandomDate(perturb::Rng& rng, int first_year, int last_year);
// The date some days later (up to 28), rolling into the next month.
DateParts AddDays(DateParts d, int days);
// A date written in one of the common layouts (0-3).
std::string FormatDate(DateParts d, int style);
// A random date in 2024-2026 in a random layout.
std::string Date(perturb::Rng& rng);
std::string PersonName(perturb::Rng& rng);
std::string Phone(perturb::Rng& rng);

}  // namespace mmgate::demo::vocab

#endif  // MMGATE_DEMO_VOCAB_H_

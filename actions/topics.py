"""Topic buttons: which intents the menu offers, and their short labels.

Labels are English source text, translated in the catalogs (context "button") when the engine renders
them; every translation fits LINE's quick-reply limit of 20 characters (tests/engine/test_content.py).
"""

from __future__ import annotations

from typing import Dict, List

from content.markers import N_

# Button labels for every topic intent (what a fallback may suggest).
LABELS: Dict[str, str] = {
    "wage_unpaid": N_("button", "Unpaid wages"),
    "overtime": N_("button", "Overtime, days off"),
    "minimum_wage": N_("button", "Minimum wage"),
    "paid_leave": N_("button", "Paid leave"),
    "harassment": N_("button", "Harassment at work"),
    "passport_taken": N_("button", "Passport taken"),
    "dismissal": N_("button", "Fired or sent back"),
    "job_change": N_("button", "Changing jobs"),
    "work_injury": N_("button", "Injury at work"),
    "recruitment_debt": N_("button", "Broker fees, debt"),
    "residence_renewal": N_("button", "Renew my visa"),
    "status_change": N_("button", "Change visa status"),
    "residence_card_lost": N_("button", "Lost residence card"),
    "overstay": N_("button", "Visa expired"),
    "find_hospital": N_("button", "Find a hospital"),
    "health_insurance": N_("button", "Health insurance"),
    "mental_health": N_("button", "Stress, loneliness"),
    "pregnancy": N_("button", "Pregnancy"),
    "emergency_numbers": N_("button", "Emergency numbers"),
    "earthquake": N_("button", "Earthquake"),
    "typhoon_flood": N_("button", "Typhoon, flood"),
    "evacuation_shelter": N_("button", "Evacuation shelter"),
    "pension_refund": N_("button", "Pension refund"),
    "tax": N_("button", "Taxes"),
    "remittance": N_("button", "Sending money home"),
    "bank_account": N_("button", "Bank account"),
    "garbage_rules": N_("button", "Garbage rules"),
    "housing": N_("button", "Housing, dormitory"),
    "japanese_study": N_("button", "Learn Japanese"),
    "consultation_desk": N_("button", "Where to get help"),
    "request_human": N_("button", "Talk to a person"),
}

# What the worker may be asking about: every labelled intent but the request for a person.
TOPICS = frozenset(LABELS) - {"request_human"}

# The help menu: at most 13 buttons (LINE's quick-reply limit), the last one a person.
MENU: List[str] = [
    "wage_unpaid",
    "overtime",
    "harassment",
    "passport_taken",
    "dismissal",
    "residence_renewal",
    "find_hospital",
    "health_insurance",
    "emergency_numbers",
    "earthquake",
    "pension_refund",
    "consultation_desk",
    "request_human",
]


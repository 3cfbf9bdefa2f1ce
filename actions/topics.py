"""Topic buttons: which intents the menu offers, and their short labels.

Labels fit LINE's quick-reply limit (20 characters) and are English source text.
"""

from __future__ import annotations

from typing import Dict, List

# Button labels for every topic intent (what a fallback may suggest).
LABELS: Dict[str, str] = {
    "wage_unpaid": "Unpaid wages",
    "overtime": "Overtime, days off",
    "minimum_wage": "Minimum wage",
    "paid_leave": "Paid leave",
    "harassment": "Harassment at work",
    "passport_taken": "Passport taken",
    "dismissal": "Fired or sent home",
    "job_change": "Changing jobs",
    "work_injury": "Injury at work",
    "recruitment_debt": "Broker fees, debt",
    "residence_renewal": "Renew my visa",
    "status_change": "Change visa status",
    "residence_card_lost": "Lost residence card",
    "overstay": "Visa expired",
    "find_hospital": "Find a hospital",
    "health_insurance": "Health insurance",
    "mental_health": "Stress, loneliness",
    "pregnancy": "Pregnancy",
    "emergency_numbers": "Emergency numbers",
    "earthquake": "Earthquake",
    "typhoon_flood": "Typhoon, flood",
    "evacuation_shelter": "Evacuation shelter",
    "pension_refund": "Pension refund",
    "tax": "Taxes",
    "remittance": "Sending money home",
    "bank_account": "Bank account",
    "garbage_rules": "Garbage rules",
    "housing": "Housing, dormitory",
    "japanese_study": "Learn Japanese",
    "consultation_desk": "Where to get help",
    "request_human": "Talk to a person",
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


def button(intent: str) -> Dict[str, str]:
    return {"title": LABELS[intent], "payload": f"/{intent}"}

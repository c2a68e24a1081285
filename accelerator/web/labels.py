"""The words the dashboard shows for the programme's own values (phases, statuses, event
types), marked for translation; a value this version does not know is shown as it is."""

from __future__ import annotations

import re

from accelerator.web.i18n import N_

VALUES = {
    # phases of a startup
    "applied": N_("applied"),
    "waitlisted": N_("waitlisted"),
    "selected": N_("selected"),
    "rejected": N_("rejected"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "in accelerator": N_("in accelerator"),
    "completed": N_("completed"),
    "terminated": N_("terminated"),
    "withdrawn": N_("withdrawn"),
    # milestones
    "planned": N_("planned"),
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "sent back": N_("sent back"),
    "overdue": N_("overdue"),
    "late": N_("late"),
    "due": N_("due"),
    "done": N_("done"),
    "lent": N_("lent"),
    "returned": N_("returned"),
    # payments
    "requested": N_("requested"),
    "instructed": N_("instructed"),
    "disbursed": N_("disbursed"),
    "failed": N_("failed"),
    # pilots and calls
    "none": N_("none"),
    "proposed": N_("proposed"),
    "started": N_("started"),
    "cancelled": N_("cancelled"),
    "scheduled": N_("scheduled"),
    "open": N_("open"),
    "closed": N_("closed"),
    # families
    "programme": N_("programme"),
    "applications": N_("applications"),
    "selection": N_("selection"),
    "milestones": N_("milestones"),
    "payments": N_("payments"),
    "pilots": N_("pilots"),
    # challenge domains
    "mobility": N_("mobility"),
    "smart-energy": N_("smart energy"),
    "cleanliness-environment": N_("cleanliness and environment"),
    "climate-adaptation": N_("climate adaptation"),
    "digital-services": N_("digital services"),
    "tourism-heritage": N_("tourism and heritage"),
}

EVENTS = {
    "challenge_published": N_("Challenge published"),
    "challenge_amended": N_("Challenge amended"),
    "question_asked": N_("Question asked"),
    "answer_published": N_("Answer published"),
    "call_opened": N_("Call opened"),
    "call_closed": N_("Call closed"),
    "cohort_started": N_("Cohort started"),
    "accelerator_started": N_("Accelerator started"),
    "accelerator_completed": N_("Accelerator completed"),
    "participation_terminated": N_("Participation terminated"),
    "expert_session_logged": N_("Expert session logged"),
    "hardware_lent": N_("Hardware lent"),
    "hardware_returned": N_("Hardware returned"),
    "application_submitted": N_("Application submitted"),
    "application_withdrawn": N_("Application withdrawn"),
    "idea_submitted": N_("Idea submitted"),
    "idea_shortlisted": N_("Idea shortlisted"),
    "idea_invited": N_("Idea invited into the accelerator"),
    "reviewer_assigned": N_("Reviewer assigned"),
    "conflict_of_interest_declared": N_("Conflict of interest declared"),
    "application_scored": N_("Application scored"),
    "application_decided": N_("Application decided"),
    "offer_accepted": N_("Offer accepted"),
    "offer_declined": N_("Offer declined"),
    "milestone_planned": N_("Milestone planned"),
    "deliverable_submitted": N_("Deliverable submitted"),
    "milestone_approved": N_("Milestone approved"),
    "milestone_sent_back": N_("Milestone sent back"),
    "milestone_overdue": N_("Milestone overdue"),
    "payment_requested": N_("Payment requested"),
    "payment_approved": N_("Payment approved"),
    "payment_rejected": N_("Payment rejected"),
    "payment_instructed": N_("Payment instructed"),
    "payment_disbursed": N_("Payment disbursed"),
    "payment_failed": N_("Payment failed"),
    "grant_agreed": N_("Grant agreed"),
    "beneficiary_account_changed": N_("Beneficiary account changed"),
    "payments_exported": N_("Payments exported (SEPA file)"),
    "pilot_proposed": N_("Pilot proposed"),
    "pilot_approved": N_("Pilot approved"),
    "pilot_started": N_("Pilot started"),
    "pilot_completed": N_("Pilot completed"),
    "pilot_cancelled": N_("Pilot cancelled"),
    "procurement_awarded": N_("Procurement awarded"),
    "roll_out_agreed": N_("Roll-out agreed"),
    "follow_up_stopped": N_("Follow-up stopped"),
    "subscription_registered": N_("Webhook subscription registered"),
    "subscription_secret_rotated": N_("Webhook secret rotated"),
    "subscription_paused": N_("Webhook subscription paused"),
    "subscription_resumed": N_("Webhook subscription resumed"),
    "subscription_replay_requested": N_("Webhook replay requested"),
    "subscription_ended": N_("Webhook subscription ended"),
}

FIELDS = {
    "startup_id": N_("Startup"),
    "startup_ids": N_("Startups"),
    "challenge_id": N_("Challenge"),
    "city_id": N_("City"),
    "domain": N_("Domain"),
    "title": N_("Title"),
    "description": N_("Description"),
    "opens_on": N_("Call opens on"),
    "closes_on": N_("Call closes on"),
    "company_name": N_("Company"),
    "enterprise_number": N_("Enterprise number"),
    "contact.name": N_("Contact: name"),
    "contact.email": N_("Contact: e-mail"),
    "contact.phone": N_("Contact: phone"),
    "proposal": N_("Proposal"),
    "requested_budget": N_("Requested budget"),
    "reason": N_("Reason"),
    "reviewer": N_("Reviewer"),
    "scores": N_("Scores"),
    "decision": N_("Decision"),
    "note": N_("Note"),
    "cohort_id": N_("Cohort"),
    "starts_on": N_("Starts on"),
    "key": N_("Milestone"),
    "milestone_key": N_("Milestone"),
    "due_on": N_("Due on"),
    "tranche_percent": N_("Tranche (%)"),
    "deliverable": N_("Deliverable (a link or a short description)"),
    "expert": N_("Expert"),
    "topic": N_("Topic"),
    "held_on": N_("Held on"),
    "hours": N_("Hours"),
    "item_id": N_("Item"),
    "amount": N_("Amount"),
    "iban": N_("IBAN"),
    "payment_id": N_("Payment"),
    "bank_reference": N_("Bank reference"),
    "pilot_city": N_("Host city"),
    "planned_start": N_("Planned start"),
    "evaluation": N_("Evaluation"),
    "rating": N_("Rating (1 to 5)"),
}
"""Form labels of the commands' fields; a field not named here shows its own name."""

DETAILS = (
    "key",
    "milestone_key",
    "amount",
    "decision",
    "reason",
    "title",
    "item_id",
    "expert",
    "topic",
    "rating",
    "attempt",
    "bank_reference",
    "deliverable",
    "reviewer",
    "pilot_city",
)
"""The fields of an event worth a line on the stream (ids and private data are not)."""


def event_name(event_type: str) -> str:
    """`accelerator.milestones.milestone_approved.v1` -> its label (untranslated msgid)."""
    name = event_type.split(".")[2] if event_type.count(".") >= 3 else event_type
    return EVENTS.get(name) or re.sub("_", " ", name).capitalize()


def field(name: str) -> str:
    return FIELDS.get(name) or name.replace("_", " ").replace(".", ": ")


def value(raw: object) -> str:
    text = str(raw)
    return VALUES.get(text, text)

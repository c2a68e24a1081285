"""Which handler serves which command, and which policies react to events: one table each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.base import Event
from services.accelerator import commands as acc
from services.accelerator import domain as accelerator_domain
from services.accelerator import handlers as accelerator
from services.intake import commands as intake_cmd
from services.intake import handlers as intake
from services.kernel import Command, UnitOfWork
from services.payments import commands as pay
from services.payments import domain as payments_domain
from services.payments import handlers as payments
from services.pilots import commands as pil
from services.pilots import handlers as pilots
from services.selection import commands as sel
from services.selection import handlers as selection

Handler = Callable[[Any, UnitOfWork], list[Event]]

HANDLERS: dict[type[Command], Handler] = {
    intake_cmd.PublishChallenge: intake.publish_challenge,
    intake_cmd.OpenCall: intake.open_call,
    intake_cmd.CloseCall: intake.close_call,
    intake_cmd.SubmitApplication: intake.submit_application,
    intake_cmd.WithdrawApplication: intake.withdraw_application,
    sel.AssignReviewer: selection.assign_reviewer,
    sel.DeclareConflictOfInterest: selection.declare_conflict,
    sel.ScoreApplication: selection.score_application,
    sel.DecideApplication: selection.decide_application,
    sel.AcceptOffer: selection.accept_offer,
    sel.DeclineOffer: selection.decline_offer,
    acc.StartCohort: accelerator.start_cohort,
    acc.StartAccelerator: accelerator.start_accelerator,
    acc.PlanMilestone: accelerator.plan_milestone,
    acc.SubmitDeliverable: accelerator.submit_deliverable,
    acc.ApproveMilestone: accelerator.approve_milestone,
    acc.SendBackMilestone: accelerator.send_back_milestone,
    acc.MarkMilestoneOverdue: accelerator.mark_milestone_overdue,
    acc.CompleteAccelerator: accelerator.complete_accelerator,
    acc.TerminateParticipation: accelerator.terminate_participation,
    acc.LogExpertSession: accelerator.log_expert_session,
    acc.LendHardware: accelerator.lend_hardware,
    acc.ReturnHardware: accelerator.return_hardware,
    pay.RequestPayment: payments.request_payment,
    pay.ApprovePayment: payments.approve_payment,
    pay.RejectPayment: payments.reject_payment,
    pay.InstructPayment: payments.instruct_payment,
    pay.RecordDisbursement: payments.record_disbursement,
    pay.RecordPaymentFailure: payments.record_payment_failure,
    pay.RetryPayment: payments.retry_payment,
    pil.ProposePilot: pilots.propose_pilot,
    pil.ApprovePilot: pilots.approve_pilot,
    pil.StartPilot: pilots.start_pilot,
    pil.CompletePilot: pilots.complete_pilot,
    pil.CancelPilot: pilots.cancel_pilot,
}

POLICIES: tuple[Callable[[Event], list[Command]], ...] = (
    accelerator_domain.react,
    payments_domain.react,
)

"""A legal question whose asker agreed to the mediation a lawyer suggested becomes a dispute case
(``events.mediation_requested``, sent once per question by legal.questions.consent_to_mediation)."""

from __future__ import annotations

from tipboard.disputes.intake import Applicant, Receipt, open_case
from tipboard.disputes.models import Channel, DisputeKind
from tipboard.events import mediation_requested

#: The legal topic's nearest kind of dispute.
TOPIC_KINDS = {
    "family": DisputeKind.FAMILY,
    "labour": DisputeKind.LABOUR_PAY,
    "housing": DisputeKind.NEIGHBOURS,
    "consumer": DisputeKind.CONSUMER,
    "traffic": DisputeKind.TRAFFIC,
}
#: The applicant's name on a case from an anonymous question (stored, so in both languages).
ANONYMOUS_ASKER = "匿名咨询人 Anonymous asker"


@mediation_requested.connect
def open_case_for_question(question, asker=None, lawyer=None) -> Receipt:
    """Open the case in the triage queue with the question attached; an anonymous asker gets a
    case code and secret (returned to the legal page, which shows them once)."""
    source = f"legal question {question.tracking_code}"
    if lawyer is not None:
        source += f", lawyer {lawyer.name}"
    applicant = Applicant(asker, asker.name if asker is not None else ANONYMOUS_ASKER)
    return open_case(
        applicant,
        TOPIC_KINDS.get(question.topic, DisputeKind.OTHER).value,
        question.body,
        "Mediation, as the lawyer who answered suggested. 律师建议调解。",
        source=source,
        channel=Channel.LEGAL.value,
    )

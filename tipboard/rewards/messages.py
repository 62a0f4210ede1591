"""What a refused money action tells the person who tried it."""

from flask_babel import lazy_gettext as _l

from tipboard.templating import money_text

REFUSALS = {
    "budget_exists": _l("That fund already has a budget for this period."),
    "no_fund": _l("The fund for this kind of reward is not set up."),
    "bad_amount": _l("The amount must be more than zero."),
    "not_changeable": _l("The amount can only be changed while the reward waits for approval."),
    "reason_required": _l("Please give a reason."),
    "out_of_range": _l("The amount must be between %(low)s and %(high)s for this category."),
    "already_decided": _l("This reward was already decided."),
    "over_budget": _l("The budget does not have enough left for this reward. Nothing was changed."),
    "no_budget": _l("There is no budget for this fund for the current month or year."),
    "no_key": _l("The form expired. Please reload the page and try again."),
    "already_approved_by_you": _l(
        "You have already approved this reward; another supervisor must approve it too."
    ),
    "not_supervisor": _l("Only a supervisor can approve or reject rewards."),
    "own_proposal": _l("You proposed this reward, so someone else must approve it."),
    "amount_changed": _l(
        "The amount changed since you opened this page: check the new amount and approve again."
    ),
    "own_amount": _l("You set this reward's amount, so someone else must approve it."),
    "own_reward": _l("This reward would be paid to you, so someone else must approve it."),
    "not_claimable": _l("This reward cannot be collected now."),
    "bad_code": _l("That claim code is not valid, or it was already used."),
    "claim_code_required": _l(
        "An anonymous tipster's reward is paid only against their claim code: use Pay out with a claim code."
    ),
    "not_for_nominator": _l("You nominated this person, so they must answer for themselves."),
    "not_staff": _l("Only station staff can pay out rewards."),
    "bad_method": _l("Choose how the reward was paid."),
    "reference_required": _l("A transfer needs a reference number."),
    "bad_range": _l("The default must lie between the minimum and the maximum."),
    "courage_by_staff": _l("Only station staff can nominate for an act-of-courage award."),
    "bad_kind": _l("Choose one of the awards."),
    "not_yours": _l("This reward is not yours."),
}


def refusal(exc) -> str:
    params = {k: money_text(v) for k, v in exc.params.items()}
    return str(REFUSALS[exc.code]) % params if params else str(REFUSALS[exc.code])

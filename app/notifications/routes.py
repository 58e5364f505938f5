"""Views of notifications: following proposals, the notification list, email preferences."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import login_required
from app.notifications import bp, services
from app.notifications.forms import ConfirmForm, PreferencesForm
from app.proposals.models import Proposal
from app.security import wants_fragment


@bp.app_context_processor
def notification_helpers() -> dict[str, Any]:
    """Template callables: the unread count for the header, follow state, message texts."""
    return {
        "unread_notification_count": lambda: services.unread_count(current_user),
        "is_following": lambda proposal: services.is_following(current_user, proposal.id),
        "notification_message": services.message_for,
        "notification_link": services.link_for,
    }


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _list_url() -> str:
    """Back to the page of the list the button was on."""
    page = _page()
    return url_for("notifications.index", page=page if page > 1 else None)


def _follow_response(proposal: Proposal):
    if wants_fragment():
        return render_template("notifications/_follow_button.html", proposal=proposal,
                               following=services.is_following(current_user, proposal.id))
    return redirect(services.proposal_url(proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/follow", methods=["POST"])
@login_required
def follow(proposal_id: int):
    """Follow a proposal to hear about its new comments."""
    proposal = services.get_visible_proposal_or_404(current_user, proposal_id)
    if ConfirmForm().validate_on_submit():
        services.follow(current_user, proposal.id)
        if not wants_fragment():
            flash(_("You follow this proposal now."), "success")
    return _follow_response(proposal)


@bp.route("/proposals/<int:proposal_id>/unfollow", methods=["POST"])
@login_required
def unfollow(proposal_id: int):
    """Stop following a proposal."""
    proposal = services.get_visible_proposal_or_404(current_user, proposal_id)
    if ConfirmForm().validate_on_submit():
        services.unfollow(current_user, proposal.id)
        if not wants_fragment():
            flash(_("You no longer follow this proposal."), "success")
    return _follow_response(proposal)


@bp.route("/notifications")
@login_required
def index():
    """The signed-in user's notifications, newest first."""
    pagination = services.notifications_page(current_user, _page())
    template = ("notifications/_list.html" if wants_fragment()
                else "notifications/index.html")
    return render_template(template, pagination=pagination, form=ConfirmForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    """Mark one notification as read."""
    notification = services.get_own_notification_or_404(current_user, notification_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.mark_read(notification)
    if wants_fragment():
        return render_template("notifications/_item_response.html",
                               notification=notification, form=form)
    return redirect(_list_url(), code=303)


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    """Mark all the user's notifications as read."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.mark_all_read(current_user)
        if not wants_fragment():
            flash(_("All notifications are marked as read."), "success")
    if wants_fragment():
        return render_template("notifications/_list_response.html", form=form,
                               pagination=services.notifications_page(current_user, _page()))
    return redirect(_list_url(), code=303)


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose which notifications also come by email."""
    form = PreferencesForm(obj=services.preferences_for(current_user))
    if form.validate_on_submit():
        services.save_preferences(current_user, replies=form.replies.data,
                                  followed=form.followed.data,
                                  status_changes=form.status_changes.data)
        flash(_("Your email preferences are saved."), "success")
        return redirect(url_for("notifications.preferences"), code=303)
    return render_template("notifications/preferences.html", form=form)
